import type { PersonalisationEntity, PersonalisationStepEntity } from '@scm/db';
import type { StepOutcome } from '@scm/personalisation';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** The current personalisation attempt of a request on its card (one row of `personalisation`). */
export type Attempt = PersonalisationEntity;

/** One line of an attempt's step log (personalisation_step), as it is written. */
export type StepRecord = Omit<PersonalisationStepEntity, 'id'>;

/** A step as the progress stream carries it (ids, names and counts only). */
export interface StepEvent {
  type: 'step';
  requestId: string;
  batchId: string | null;
  step: string;
  outcome: StepOutcome;
  done: number;
  total: number | null;
  serial: string | null;
  at: string;
}

/**
 * The personalisation attempt aggregate's storage: the attempt of each request, its step log and
 * the announcements of its steps. Writes take the unit of work's transaction.
 */
export interface PersonalisationRepository {
  /** The request's attempt, locked for the rest of the transaction. */
  lock(tx: TxScope, requestId: string): Promise<Attempt | undefined>;
  get(requestId: string, tx: TxScope): Promise<Attempt | undefined>;
  /** Writes the request's attempt, replacing the one it had. */
  put(tx: TxScope, attempt: Attempt): Promise<void>;
  /** Changes fields of the request's attempt (`attempt`: only while it is that attempt). */
  update(tx: TxScope, requestId: string, patch: Partial<Omit<Attempt, 'requestId'>>, attempt?: number): Promise<void>;
  /** Forgets the request's attempt (its card was released). */
  remove(tx: TxScope, requestId: string): Promise<void>;
  /**
   * Appends a step to the log and, on the attempt it names, sets the last step and counts it
   * when `counted`; returns the attempt's counters after (none when it is no longer that attempt).
   */
  addStep(tx: TxScope, step: StepRecord, counted: boolean): Promise<{ stepsDone: number; stepsTotal: number | null } | undefined>;
  /**
   * Appends several steps of one attempt to the log in one go and counts them (as addStep each, in
   * order); returns the counters after each step (none when it is no longer that attempt).
   */
  addSteps(
    tx: TxScope,
    steps: ReadonlyArray<{ step: StepRecord; counted: boolean }>,
  ): Promise<Array<{ stepsDone: number; stepsTotal: number | null } | undefined>>;
  /** The steps done on this card for the request (any attempt), distinct and sorted. */
  doneSteps(requestId: string, cardId: string, tx: TxScope): Promise<string[]>;
  /** Announces steps, in order, to progress listeners once the transaction commits (one statement). */
  announce(tx: TxScope, events: readonly StepEvent[]): Promise<void>;
  /** Attempts of requests being personalised (or verified) with no change since `before`, at most `limit`. */
  stalled(before: Date, limit: number): Promise<Attempt[]>;
}

export const PERSONALISATION_REPOSITORY = Symbol('PersonalisationRepository');
