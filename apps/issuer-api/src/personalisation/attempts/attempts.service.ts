import { Inject, Injectable } from '@nestjs/common';
import type { StepOutcome } from '@scm/personalisation';
import { CARD_REPOSITORY, type Card, type CardRepository } from '../../issuance/cards/card.repository';
import type { RequestState } from '../../issuance/requests/request-state';
import { RequestStateMachine, type IssuanceRequest } from '../../issuance/requests/request-state-machine';
import type { Tx } from '../../platform/infra/unit-of-work';
import type { PersonalisationError } from '../personalisation-errors';
import { ACTIVE_STATES, attemptProblem, claimantProblem, nextAttempt } from './attempt-rules';
import { type Attempt, PERSONALISATION_REPOSITORY, type PersonalisationRepository, type StepEvent } from './personalisation.repository';

/** A request a worker may act on: locked, with its current attempt and its card. */
export interface Claimed {
  request: IssuanceRequest;
  attempt: Attempt;
  card: Card;
}

/** What a step is recorded against: the request (and its batch, for progress), the card, the worker and the attempt. */
export interface StepRef {
  requestId: string;
  batchId: string | null;
  cardId: string | null;
  workerId: string | null;
  attempt: number;
  serial: string | null;
}

/** The step reference of a claimed request's current attempt. */
export const stepRef = (c: Claimed, workerId: string): StepRef => ({
  requestId: c.request.id,
  batchId: c.request.batchId,
  cardId: c.card.id,
  workerId,
  attempt: c.attempt.attempt,
  serial: c.card.serial,
});

/**
 * Personalisation attempts, inside the caller's transaction: who may act on a request's card, the
 * start of an attempt, and its step log (each step announced to progress streams after commit).
 */
@Injectable()
export class AttemptsService {
  constructor(
    private readonly states: RequestStateMachine,
    @Inject(PERSONALISATION_REPOSITORY) private readonly attempts: PersonalisationRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
  ) {}

  /**
   * The locked request with its attempt and card, when `workerId` claimed it and it is in one of
   * `states`; otherwise the refusal, for the caller to deny.
   */
  async claimed(
    tx: Tx,
    requestId: string,
    workerId: string,
    states: readonly RequestState[] = ACTIVE_STATES,
  ): Promise<Claimed | PersonalisationError> {
    const request = await this.states.lock(tx, requestId);
    const refused = claimantProblem(request, requestId, workerId, states);
    if (refused) return refused;
    const attempt = await this.attempts.lock(tx, requestId);
    const card = await this.cards.get(request!.cardId!, tx);
    return attemptProblem(requestId, attempt, card) ?? { request: request!, attempt: attempt!, card: card! };
  }

  /** Starts the next attempt on the request's card. */
  async start(tx: Tx, to: { requestId: string; cardId: string; workerId: string }): Promise<Attempt> {
    const attempt = nextAttempt(await this.attempts.lock(tx, to.requestId), to, tx.now);
    await this.attempts.put(tx, attempt);
    return attempt;
  }

  /** Records several steps of one attempt, in order (as recordStep each, in three statements in all). */
  async recordSteps(
    tx: Tx,
    r: StepRef,
    steps: ReadonlyArray<{ step: string; outcome: StepOutcome; details?: Record<string, unknown> }>,
  ): Promise<StepEvent[]> {
    const counters = await this.attempts.addSteps(
      tx,
      steps.map((s) => ({
        step: {
          requestId: r.requestId,
          cardId: r.cardId,
          workerId: r.workerId,
          attempt: r.attempt,
          step: s.step,
          outcome: s.outcome,
          details: s.details ?? {},
          at: tx.now,
        },
        counted: s.outcome === 'done' || s.outcome === 'skipped',
      })),
    );
    const events = steps.map((s, i) => this.stepEvent(tx, r, s.step, s.outcome, counters[i]));
    await this.attempts.announce(tx, events);
    return events;
  }

  /** Records a step of an attempt (log line, counters) and announces it after commit. */
  async recordStep(tx: Tx, r: StepRef, step: string, outcome: StepOutcome, details: Record<string, unknown> = {}): Promise<StepEvent> {
    return (await this.recordSteps(tx, r, [{ step, outcome, details }]))[0];
  }

  private stepEvent(
    tx: Tx,
    r: StepRef,
    step: string,
    outcome: StepOutcome,
    counters: { stepsDone: number; stepsTotal: number | null } | undefined,
  ): StepEvent {
    return {
      type: 'step',
      requestId: r.requestId,
      batchId: r.batchId,
      step,
      outcome,
      done: counters?.stepsDone ?? 0,
      total: counters?.stepsTotal ?? null,
      serial: r.serial,
      at: tx.now.toISOString(),
    };
  }
}
