import type { OutboxEntity } from '@scm/db';
import type { JobName } from '@scm/queue';
import type { TxScope } from '../infra/unit-of-work';

/** A row of the outbox: a job committed with the change that caused it, pending until its work is done. */
export type OutboxRecord = OutboxEntity;

/** A job a unit of work queued: its queue, name, deterministic id and ids-only payload. */
export interface OutboxJob {
  queue: string;
  name: string;
  id: string;
  payload: Record<string, unknown>;
}

/**
 * The transactional outbox: PostgreSQL is the system of record for queued work. Units of work
 * write jobs; the relay moves committed rows to BullMQ and re-queues what Redis lost; consumers
 * mark a job done once its effect is committed.
 */
export interface OutboxRepository {
  /** Writes the jobs of a unit of work in its transaction (a job id already present is kept as it is). */
  insert(tx: TxScope, jobs: readonly OutboxJob[]): Promise<void>;
  /**
   * In a transaction of its own: claims up to `limit` unrelayed rows, oldest first (rows another
   * relay holds are skipped), hands them to `send`, and marks them relayed when it returns. A
   * throwing `send` leaves them unrelayed. Answers how many rows were relayed.
   */
  relay(limit: number, send: (rows: OutboxRecord[]) => Promise<void>): Promise<number>;
  /** The job's work is committed (or failed for good, with `error`): it is no longer pending. */
  markDone(jobId: string, error?: string): Promise<void>;
  /** Marks these jobs done in the caller's transaction (work that ended, or became moot, with the change). */
  finishJobs(tx: TxScope, jobIds: readonly string[]): Promise<void>;
  /**
   * Marks done, in the caller's transaction, every pending `name` job whose payload holds `match`,
   * and answers them: several requests for the same work end in one run.
   */
  finishPending(tx: TxScope, name: JobName, match: Record<string, string>): Promise<OutboxRecord[]>;
  /** Pending rows already relayed with an id above `after`, oldest first; with `minAgeSeconds`, only those relayed that long ago. */
  relayedPending(after: string, limit: number, minAgeSeconds?: number): Promise<OutboxRecord[]>;
  /** How many jobs are pending (not done). */
  pendingCount(): Promise<number>;
  /** The job is pending again (its work must be done once more); `relayAgain` also has the relay send it to BullMQ anew. */
  reopen(jobId: string, opts: { relayAgain: boolean }): Promise<void>;
}

export const OUTBOX_REPOSITORY = Symbol('OutboxRepository');
