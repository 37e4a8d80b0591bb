import type { CardholderTerminationEntity, EscrowPurgeEntity, PurgedVersionJson } from '@scm/db';
import type { Cardholder } from '../issuance/cardholders/cardholder.repository';
import type { Card } from '../issuance/cards/card.repository';
import type { IssuanceRequest } from '../issuance/requests/request.repository';
import type { TxScope } from '../platform/infra/unit-of-work';

/** A terminated cardholder (one row of cardholder_termination). */
export type CardholderTermination = CardholderTerminationEntity;
/** A purge of a leaver's escrow (one row of escrow_purge). */
export type EscrowPurge = EscrowPurgeEntity;
export type { PurgedVersionJson };

/** A sealed, escrowed VSC version of a cardholder, and the volume holding its write-once copy. */
export interface EscrowedVersion {
  vscId: string;
  version: number;
  sha256: string;
  kind: string;
  purgedAt: Date | null;
  volume: number | null;
}

/**
 * The leaver aggregate's storage: the termination record and purge record, and the reads and
 * writes a termination makes across the cardholder's cards, requests, activations, pending
 * approvals and VSCs in one transaction.
 */
export interface TerminationRepository {
  /** The cardholder, locked for the rest of the transaction. */
  lockCardholder(tx: TxScope, id: string): Promise<Cardholder | undefined>;
  /** Marks the cardholder offboarded (and drops an unused sponsorship). */
  offboard(tx: TxScope, id: string): Promise<void>;
  insert(tx: TxScope, t: CardholderTermination): Promise<void>;
  get(cardholderId: string, tx?: TxScope): Promise<CardholderTermination | undefined>;
  /** The termination, locked for the rest of the transaction. */
  lock(tx: TxScope, cardholderId: string): Promise<CardholderTermination | undefined>;
  /** Every card ever bound to the cardholder. */
  cardsOf(cardholderId: string, tx: TxScope): Promise<Card[]>;
  /** Every request of the cardholder, oldest first. */
  requestsOf(cardholderId: string, tx: TxScope): Promise<IssuanceRequest[]>;
  /** Cancels the open activation (or PIN unblock) sessions of these cards; returns their ids. */
  cancelActivations(tx: TxScope, cardIds: readonly string[], reason: string): Promise<string[]>;
  /** Cancels the card updates of these cards that have not started (awaiting approval or pending); returns their ids. */
  cancelCardUpdates(tx: TxScope, cardIds: readonly string[], reason: string): Promise<string[]>;
  /** Cancels pending approvals about the cardholder, except those of `keep` kinds; returns them. */
  cancelApprovals(tx: TxScope, cardholderId: string, keep: readonly string[]): Promise<Array<{ id: string; kind: string }>>;
  /** The VSCs of the cardholder (their own, or their requests'). */
  vscsOf(cardholderId: string, tx: TxScope): Promise<Array<{ id: string; kind: string }>>;
  /** Every escrowed version of the cardholder's VSCs, with the archive volume holding it. */
  escrowedVersionsOf(cardholderId: string, tx: TxScope): Promise<EscrowedVersion[]>;
  /** Empties these versions' content (the seal trigger allows only this, once) under the purge record. */
  purgeVersions(tx: TxScope, purgeId: string, refs: ReadonlyArray<{ vscId: string; version: number }>): Promise<number>;
  insertPurge(tx: TxScope, p: EscrowPurge): Promise<void>;
  markPurged(tx: TxScope, cardholderId: string): Promise<void>;
  purgeOf(cardholderId: string, tx?: TxScope): Promise<EscrowPurge | undefined>;
}

export const TERMINATION_REPOSITORY = Symbol('TerminationRepository');
