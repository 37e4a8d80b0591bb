import type { CardEntity, CardEventEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardState } from './card-lifecycle';

/** A physical card, from stock to the end of its life (one row of `card`). */
export type Card = CardEntity;

/** One line of a card's history (card_event). */
export interface CardHistoryEntry {
  cardId: string;
  from: CardState | null;
  to: CardState;
  actor: string;
  details: Record<string, unknown>;
}

/** One line of a card's history as stored (card_event). */
export type CardHistoryLine = CardEventEntity;

/** The card aggregate's storage: cards and their lifecycle history. */
export interface CardRepository {
  insert(tx: TxScope, card: Card): Promise<void>;
  /** The card, locked for the rest of the transaction. */
  lock(tx: TxScope, id: string): Promise<Card | undefined>;
  /** The card with this serial, locked for the rest of the transaction. */
  lockBySerial(tx: TxScope, serial: string): Promise<Card | undefined>;
  get(id: string, tx?: TxScope): Promise<Card | undefined>;
  bySerial(serial: string, tx?: TxScope): Promise<Card | undefined>;
  setState(tx: TxScope, id: string, to: CardState): Promise<void>;
  addHistory(tx: TxScope, entry: CardHistoryEntry): Promise<void>;
  /** A card's history, oldest first. */
  historyOf(cardId: string, tx?: TxScope): Promise<CardHistoryLine[]>;
}

export const CARD_REPOSITORY = Symbol('CardRepository');
