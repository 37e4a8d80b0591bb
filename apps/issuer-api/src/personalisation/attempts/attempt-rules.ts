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
 * the management key the card holds only when it is the same card (a new card starts from the
 * transport key).
 */
export function nextAttempt(last: Attempt | undefined, to: { requestId: string; cardId: string; workerId: string }, now: Date): Attempt {
  return {
    requestId: to.requestId,
    cardId: to.cardId,
    workerId: to.workerId,
    attempt: (last?.attempt ?? 0) + 1,
    managementKey: last && last.cardId === to.cardId ? last.managementKey : 'transport',
    stepsTotal: null,
    stepsDone: 0,
    lastStep: null,
    proofNonce: null,
    decryptCheck: null,
    startedAt: now,
    updatedAt: now,
  };
}
