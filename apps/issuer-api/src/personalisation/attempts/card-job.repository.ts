import type { TxScope } from '../../platform/infra/unit-of-work';

/**
 * The outbox row of a request's card job (`personalise-card`): PostgreSQL is the record of pending
 * work, so a job settled here is never re-queued after a Redis flush, and one reopened here is.
 */
export interface CardJobRepository {
  /** The card job of the request has nothing more to do. */
  settle(tx: TxScope, requestId: string): Promise<void>;
  /** The card job is pending again; `relayAgain` also has the relay send it to BullMQ anew. */
  reopen(requestId: string, opts: { relayAgain: boolean }): Promise<void>;
}

export const CARD_JOB_REPOSITORY = Symbol('CardJobRepository');
