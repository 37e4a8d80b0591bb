import type { CardWorkerEntity } from '@scm/db';
import type { TxScope } from '../platform/infra/unit-of-work';

/** An enrolled card worker (one row of card_worker; trust enrols and approves them). */
export type CardWorker = CardWorkerEntity;

/** What personalisation reads of the enrolled workers: who is approved, their key-exchange key, their workstation. */
export interface CardWorkersRepository {
  /** The worker, when it is approved. */
  approved(workerId: string, tx?: TxScope): Promise<CardWorker | undefined>;
  /** The approved workers serving a workstation. */
  approvedAt(workstation: number, tx?: TxScope): Promise<CardWorker[]>;
}

export const CARD_WORKERS_REPOSITORY = Symbol('CardWorkersRepository');
