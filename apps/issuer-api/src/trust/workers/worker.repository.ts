import type { CardWorkerEntity, EnrollmentTokenEntity, WorkerChallengeEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** An enrolled card worker (one row of card_worker). */
export type CardWorker = CardWorkerEntity;
/** A one-time enrolment token, kept as its hash (one row of enrollment_token). */
export type EnrollmentToken = EnrollmentTokenEntity;
/** A log-in nonce a worker must sign (one row of worker_challenge). */
export type WorkerChallenge = WorkerChallengeEntity;

/**
 * Card workers, with the enrolment tokens that admit them and the challenges they sign to log in.
 * Writes take the unit of work's transaction; reads without one use the pool.
 */
export interface WorkerRepository {
  get(id: string, tx: TxScope): Promise<CardWorker | undefined>;
  /** The worker, locked for the rest of the transaction. */
  lock(tx: TxScope, id: string): Promise<CardWorker | undefined>;
  /** Every registered worker, oldest first. */
  list(tx?: TxScope): Promise<CardWorker[]>;
  /** Approved workers serving a workstation. */
  approvedAt(workstation: number, tx?: TxScope): Promise<CardWorker[]>;
  insert(tx: TxScope, worker: CardWorker): Promise<void>;
  /** Records an officer's decision (approved or revoked) and returns the worker after it. */
  decide(tx: TxScope, id: string, status: 'approved' | 'revoked', decidedBy: string): Promise<CardWorker | undefined>;
  /** Suspends an approved worker (it keeps its keys; an officer approves it again). */
  suspend(tx: TxScope, id: string, reason: string): Promise<void>;
  /** The worker was heard from now. */
  touch(tx: TxScope, id: string): Promise<void>;

  insertEnrollmentToken(tx: TxScope, token: EnrollmentToken): Promise<void>;
  /** The enrolment token with this hash, locked so it is used once. */
  lockEnrollmentToken(tx: TxScope, tokenHash: Buffer): Promise<EnrollmentToken | undefined>;
  /** Marks a token used by the worker it enrolled. */
  useEnrollmentToken(tx: TxScope, id: string, workerId: string): Promise<void>;
  /** The enrolment token a worker registered with (undefined when there is none). */
  enrollmentTokenOf(workerId: string, tx: TxScope): Promise<EnrollmentToken | undefined>;

  insertChallenge(tx: TxScope, challenge: WorkerChallenge): Promise<void>;
  /** Drops challenges that expired before now. */
  purgeExpiredChallenges(tx: TxScope): Promise<void>;
  /** Consumes a live challenge of this worker; false when there is none (unknown, used or expired). */
  takeChallenge(tx: TxScope, nonce: Buffer, workerId: string): Promise<boolean>;
}

export const WORKER_REPOSITORY = Symbol('WorkerRepository');
