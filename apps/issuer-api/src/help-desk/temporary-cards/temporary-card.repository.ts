import type { TemporaryCardEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A temporary card (one row of temporary_card; its id is its VSC's). */
export type TemporaryCard = TemporaryCardEntity;
export type { TemporaryCardState } from '@scm/db';

/** The temporary card aggregate's storage. Writes take the unit of work's transaction. */
export interface TemporaryCardRepository {
  insert(tx: TxScope, card: TemporaryCard): Promise<void>;
  /** The temporary card, locked for the rest of the transaction. */
  lock(tx: TxScope, id: string): Promise<TemporaryCard | undefined>;
  get(id: string, tx?: TxScope): Promise<TemporaryCard | undefined>;
  update(tx: TxScope, id: string, changes: Partial<Omit<TemporaryCard, 'id'>>): Promise<void>;
  /** The cardholder's temporary card that is issued or active (there is at most one). */
  openOf(cardholderId: string, tx: TxScope): Promise<TemporaryCard | undefined>;
  /** The issued or active temporary cards standing in for a card, locked. */
  lockStandIns(tx: TxScope, cardId: string): Promise<TemporaryCard[]>;
  /** Ids of the issued or active temporary cards whose expiry has come by `at`. */
  dueForExpiry(at: Date, tx: TxScope): Promise<string[]>;
}

export const TEMPORARY_CARD_REPOSITORY = Symbol('TemporaryCardRepository');
