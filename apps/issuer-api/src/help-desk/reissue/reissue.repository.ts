import type { ReissueEntity, ReissueState } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** The reissue of a reported card onto a new one (one row of reissue). */
export type Reissue = ReissueEntity;

/** What is under way for a card that a new reissue would collide with. */
export interface ReissueObstacles {
  /** A pending, unexpired approval of a reissue of the card. */
  approvalId?: string;
  /** A reissue of the card still waiting for its new card. */
  reissueId?: string;
}

/** The reissue aggregate's storage. */
export interface ReissueRepository {
  insert(tx: TxScope, reissue: Reissue): Promise<void>;
  /** The reissue, locked for the rest of the transaction. */
  lock(tx: TxScope, id: string): Promise<Reissue | undefined>;
  /** Ends a reissue, now. */
  close(tx: TxScope, id: string, state: Exclude<ReissueState, 'awaiting-card'>): Promise<void>;
  underWay(cardId: string, at: Date, tx: TxScope): Promise<ReissueObstacles>;
  /** Ids of the reissues awaiting a card whose request has ended (issued, failed or cancelled). */
  finished(tx?: TxScope): Promise<string[]>;
}

export const REISSUE_REPOSITORY = Symbol('ReissueRepository');
