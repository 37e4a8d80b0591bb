import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import { IssuanceError, IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import type { RequestState } from '../../issuance/requests/request-state';
import type { Card } from '../../issuance/cards/card.repository';
import { PersonalisationError, PersonalisationErrorCode as E } from '../personalisation-errors';
import type { Attempt } from './personalisation.repository';

/** The states in which a card is being written for a request. */
export const ACTIVE_STATES = ['personalising', 'verifying'] as const satisfies readonly RequestState[];

/**
 * Why `workerId` may not act on the request's card now, or undefined: the request must be in one
 * of `states`, claimed by this worker and bound to a card.
 */
export function claimantProblem(
  request: IssuanceRequest | undefined,
  requestId: string,
  workerId: string,
  states: readonly RequestState[] = ACTIVE_STATES,
): PersonalisationError | undefined {
  if (!request) return new PersonalisationError(E.NotFound, `no issuance request ${requestId}`, { requestId });
  if (!states.includes(request.state)) {
    return new PersonalisationError(E.NotClaimant, `request ${requestId} is ${request.state}`, { requestId, state: request.state });
  }
  if (request.workerId !== workerId || !request.cardId) {
    return new PersonalisationError(E.NotClaimant, `request ${requestId} is claimed by another worker`, { requestId });
  }
  return undefined;
}

/** Why the request's attempt is not on its bound card, or undefined. */
export function attemptProblem(requestId: string, attempt: Attempt | undefined, card: Card | undefined): PersonalisationError | undefined {
  if (!attempt || !card || attempt.cardId !== card.id) {
    return new PersonalisationError(E.NotClaimant, `request ${requestId} has no attempt on its card`, { requestId });
  }
  return undefined;
}

/**
 * What the claiming worker fetches and submits for the card (key material, on-card keys) answers
 * with issuance errors: the request must be personalising and claimed by this worker.
 */
export function issuanceClaimantProblem(
  request: IssuanceRequest | undefined,
  requestId: string,
  workerId: string,
): IssuanceError | undefined {
  if (!request) return new IssuanceError(IssuanceErrorCode.NotFound, `no issuance request ${requestId}`, { requestId });
  if (request.state !== 'personalising') {
    return new IssuanceError(IssuanceErrorCode.IllegalTransition, `request ${requestId} is ${request.state}, not personalising`, {
      requestId,
      state: request.state,
    });
  }
  if (request.workerId !== workerId) {
    return new IssuanceError(IssuanceErrorCode.NotClaimant, `request ${requestId} is claimed by another worker`, { requestId });
  }
  return undefined;
}

/** The audit facts of a worker refused on a request's card (the refusal code also as `reason`, as it always was). */
export const claimantDenial = (action: string, requestId: string, workerId: string, e: { code: string }) => ({
  action,
  targetType: 'issuance-request',
  targetId: requestId,
  details: { workerId, reason: e.code },
});

/**
 * The next attempt on a request: counts on from the last one, starts its steps afresh, and keeps
 * the management key the card holds and the card's refusals only when it is the same card (a new
 * card starts from the transport key, with a clean record).
 */
export function nextAttempt(last: Attempt | undefined, to: { requestId: string; cardId: string; workerId: string }, now: Date): Attempt {
  const same = !!last && last.cardId === to.cardId;
  return {
    requestId: to.requestId,
    cardId: to.cardId,
    workerId: to.workerId,
    attempt: (last?.attempt ?? 0) + 1,
    managementKey: same ? last.managementKey : 'transport',
    stepsTotal: null,
    stepsDone: 0,
    lastStep: null,
    proofNonce: null,
    decryptCheck: null,
    refusals: same ? last.refusals : 0,
    refusedStep: same ? last.refusedStep : null,
    refusedSw: same ? last.refusedSw : null,
    startedAt: now,
    updatedAt: now,
  };
}

/** Attempts on one card that may end in a refusal before an officer decides (spoil or retry). */
export const MAX_REFUSED_ATTEMPTS = 3;

/** A step the card refused: the step's name and the status word (4 hex digits), when the card gave one. */
export interface CardRefusal {
  step: string;
  sw: string | null;
}

/**
 * What a refusal makes of the request: `final` (failed-card) when the card refused the same step
 * with the same status word on its previous refused attempt — a card that refuses the same way
 * twice will do it again — or when it has refused MAX_REFUSED_ATTEMPTS attempts since the last
 * officer decision; otherwise the request waits for the card again and it is tried once more.
 */
export function refusalVerdict(
  record: Pick<Attempt, 'refusals' | 'refusedStep' | 'refusedSw'>,
  r: CardRefusal,
): { final: boolean; repeated: boolean; refusals: number } {
  const refusals = record.refusals + 1;
  const repeated = record.refusals > 0 && record.refusedStep === r.step && record.refusedSw === r.sw;
  return { final: repeated || refusals >= MAX_REFUSED_ATTEMPTS, repeated, refusals };
}
