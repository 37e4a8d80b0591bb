import type { ActivationSessionEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A session in which a cardholder activates a card, or unblocks its PIN, at a workstation (one row of activation_session). */
export type ActivationSession = ActivationSessionEntity;

/** The activation session aggregate's storage. */
export interface ActivationSessionRepository {
  insert(tx: TxScope, session: ActivationSession): Promise<void>;
  get(id: string, tx?: TxScope): Promise<ActivationSession | undefined>;
  /** The session, locked for the rest of the transaction. */
  lock(tx: TxScope, id: string): Promise<ActivationSession | undefined>;
  /** The open session of a card, if any (at most one is open). */
  openOf(cardId: string, tx: TxScope): Promise<ActivationSession | undefined>;
  /** Changes fields of a session. */
  update(tx: TxScope, id: string, patch: Partial<Omit<ActivationSession, 'id'>>): Promise<void>;
  /** Closes, as expired, the open sessions (of one card, when given) whose time is up; returns them. */
  expire(tx: TxScope, opts?: { cardId?: string }): Promise<ActivationSession[]>;
}

export const ACTIVATION_SESSION_REPOSITORY = Symbol('ActivationSessionRepository');
