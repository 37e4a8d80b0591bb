import { Query } from '@nestjs/cqrs';
import type { ReconciliationReport } from '@scm/archive';

/** Every issued card has each escrowed version of its VSC in exactly one sealed volume. */
export class ReconcileArchiveQuery extends Query<ReconciliationReport> {}
