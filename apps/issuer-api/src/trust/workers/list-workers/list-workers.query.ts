import { Query } from '@nestjs/cqrs';
import type { WorkerView } from '../worker-view';

/** Registered card workers, their fingerprints, status and whether their channel is open. */
export class ListWorkersQuery extends Query<WorkerView[]> {}
