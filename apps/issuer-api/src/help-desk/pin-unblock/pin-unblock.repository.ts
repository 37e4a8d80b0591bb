import type { ActivationSessionEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A session at a workstation in which a cardholder activates a card or (purpose `unblock`) chooses a new PIN. */
export type CardSession = ActivationSessionEntity;

/**
 * What PIN unblock reads and writes: the card's sessions (shared with activation, which owns the
 * table: one open session per card, whatever its purpose) and whether the card's PUK is kept.
 */
export interface PinUnblockRepository {
  /** Whether the card's PUK is kept sealed under the HSM. */
  hasPuk(cardId: string, tx: TxScope): Promise<boolean>;
  /** Marks the card's open sessions past their expiry as expired; returns their ids. */
  expireStale(tx: TxScope, cardId: string): Promise<string[]>;
  /** The card's open session (activation or unblock), if any. */
  openSession(cardId: string, tx: TxScope): Promise<CardSession | undefined>;
  insert(tx: TxScope, session: CardSession): Promise<void>;
}

export const PIN_UNBLOCK_REPOSITORY = Symbol('PinUnblockRepository');
