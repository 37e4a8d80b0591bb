import type { StepOutcome } from '@scm/personalisation';

/** One request's card, as a progress bar shows it. */
export interface CardProgress {
  requestId: string;
  cardholder: string;
  state: string;
  failure: string | null;
  serial: string | null;
  attempt: number | null;
  stepsDone: number;
  stepsTotal: number | null;
  lastStep: string | null;
}

/** One line of a request's step log, with the serial of the card it was written to. */
export interface StepLogEntry {
  attempt: number;
  step: string;
  outcome: StepOutcome;
  details: Record<string, unknown>;
  at: Date;
  serial: string | null;
  workerId: string | null;
}

/** Read models of personalisation progress (requests, cardholders, cards and attempts together). */
export interface ProgressViewsRepository {
  /** Where the requests of a batch (or one request) stand, oldest request first; none when there is no such batch or request. */
  snapshot(filter: { batchId: string } | { requestId: string }): Promise<CardProgress[]>;
  /** The step log of a request's attempts, in the order the steps were recorded. */
  steps(requestId: string): Promise<StepLogEntry[]>;
}

export const PROGRESS_VIEWS_REPOSITORY = Symbol('ProgressViewsRepository');
