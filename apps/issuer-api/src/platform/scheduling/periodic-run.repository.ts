/** How one period of a periodic job ended. */
export type PeriodicRunOutcome = 'done' | 'failed';

/**
 * The record of periodic work across API replicas: a period of a job is taken by inserting its row,
 * which only one replica can do, so a period never runs twice (a job BullMQ hands out again after
 * its replica died is skipped). Rows older than a week are pruned as new ones are taken.
 */
export interface PeriodicRunRepository {
  /** Takes the period `periodAt` of `job` for `replica`; false when another run already took it. */
  take(job: string, periodAt: Date, replica: string): Promise<boolean>;
  /** Records how the run of a period ended. */
  finish(job: string, periodAt: Date, outcome: PeriodicRunOutcome): Promise<void>;
}

export const PERIODIC_RUN_REPOSITORY = Symbol('PeriodicRunRepository');
