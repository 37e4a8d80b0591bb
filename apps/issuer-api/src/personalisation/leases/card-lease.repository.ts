import type { CardLeaseEntity, WorkerClaimEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A card job leased to one worker, workstation, reader and card (one row of card_lease). */
export type CardLease = CardLeaseEntity;
/** A claim a worker made: accepted, or the code of its refusal (one row of worker_claim). */
export type WorkerClaim = Omit<WorkerClaimEntity, 'id'>;

/**
 * Card job leases and the log of claims. The pool of card jobs is PostgreSQL itself: requests
 * waiting for a blank card (awaiting-card, no card bound) without a live lease.
 */
export interface CardLeaseRepository {
  get(requestId: string, tx: TxScope): Promise<CardLease | undefined>;
  /** The lease a worker holds for a reader, if any (live or expired). */
  ofReader(tx: TxScope, workerId: string, reader: string): Promise<CardLease | undefined>;
  /**
   * The oldest request waiting for a blank card that no live lease holds at `now`, locked for the
   * rest of the transaction (requests other transactions lock are skipped, not waited for).
   */
  lockNextFree(tx: TxScope, now: Date): Promise<string | undefined>;
  /** Writes the lease (replacing the request's earlier one, and any other lease on the same reader of that worker). */
  put(tx: TxScope, lease: CardLease): Promise<void>;
  /** Extends the worker's lease on the request; false when the worker holds none. */
  renew(tx: TxScope, requestId: string, workerId: string, expiresAt: Date): Promise<boolean>;
  remove(tx: TxScope, requestId: string): Promise<void>;

  recordClaim(tx: TxScope, claim: WorkerClaim): Promise<void>;
  /** Claims of the worker since `since`: all of them, and the suspicious refusals among them. */
  claimsSince(workerId: string, since: Date, tx: TxScope): Promise<{ total: number; suspicious: number }>;
}

export const CARD_LEASE_REPOSITORY = Symbol('CardLeaseRepository');
