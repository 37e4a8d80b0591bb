import { Query } from '@nestjs/cqrs';
import type { VerifyReport } from '@scm/audit';

/** Walk the whole chain against the signed checkpoints; the report names the first broken link. */
export class VerifyAuditChainQuery extends Query<VerifyReport> {}
