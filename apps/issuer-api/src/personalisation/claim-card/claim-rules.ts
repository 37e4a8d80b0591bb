import type { Card } from '../../issuance/cards/card.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import { isTerminal, type RequestState } from '../../issuance/requests/request-state';
import { PersonalisationError, PersonalisationErrorCode as E } from '../personalisation-errors';

/** The states in which a request takes (or keeps) a card: its escrow is committed, it is not issued yet. */
export const CLAIMABLE_STATES: readonly RequestState[] = ['awaiting-card', 'personalising', 'verifying'];

/** Why a worker may not claim a card for the request at all, or undefined. */
export function requestRefusal(
  request: IssuanceRequest | undefined,
  requestId: string,
  worker: { id: string; approved: boolean },
): PersonalisationError | undefined {
  if (!worker.approved) return new PersonalisationError(E.NotClaimant, `worker ${worker.id} is not approved`);
  if (!request) return new PersonalisationError(E.NotFound, `no issuance request ${requestId}`, { requestId });
  if (isTerminal(request.state)) {
    return new PersonalisationError(E.RequestClosed, `request ${request.id} is ${request.state}`, {
      requestId: request.id,
      state: request.state,
    });
  }
  // A card that kept refusing a step waits for an officer: no worker takes the request until then.
  if (request.state === 'failed-card') {
    return new PersonalisationError(
      E.RequestClosed,
      `request ${request.id} is failed-card: its card refused a step; an officer spoils the card or retries it`,
      { requestId: request.id, state: request.state },
    );
  }
  if (!CLAIMABLE_STATES.includes(request.state)) {
    return new PersonalisationError(E.NotReady, `request ${request.id} is ${request.state}: its escrow is not committed yet`, {
      state: request.state,
    });
  }
  return undefined;
}

/** What is known of the card in the reader when a worker claims it for a request. */
export interface ClaimedCardFacts {
  request: IssuanceRequest;
  /** The card's serial as it reports it. */
  serial: string;
  /** The card registered under that serial, if any. */
  card: Card | undefined;
  /** The GUID of the CHUID on the card, if it has one, and the request whose VSC has that id (null: none). */
  guid?: { id: string; requestId: string | null };
  /** The serial of the card the request is bound to, if it is bound. */
  boundSerial?: string | null;
}

/**
 * Why this card may not be written for the request, or undefined. Invariant 5: a card bound to
 * another request, or issued, is never overwritten; a card whose CHUID names another identity is
 * not blank; once a request has a card, it takes no other (one request, at most one card).
 */
export function cardRefusal(f: ClaimedCardFacts): PersonalisationError | undefined {
  const { request, serial, card } = f;
  if (card && card.requestId !== request.id) {
    return new PersonalisationError(E.CardTaken, `card ${serial} belongs to another request (${card.state})`, {
      serial,
      cardState: card.state,
    });
  }
  if (card?.state === 'spoiled') return new PersonalisationError(E.CardSpoiled, `card ${serial} was declared spoiled`, { serial });
  if (f.guid && f.guid.requestId !== request.id) {
    return new PersonalisationError(E.CardNotBlank, `card ${serial} carries the identity ${f.guid.id}, not this request's`, { serial });
  }
  if (request.cardId) {
    if (f.boundSerial !== serial) {
      return new PersonalisationError(E.WaitsForAnotherCard, `request ${request.id} waits for card ${f.boundSerial}`, {
        serial: f.boundSerial ?? null,
      });
    }
  } else if (card) {
    return new PersonalisationError(E.CardTaken, `card ${serial} is registered but not bound to request ${request.id}`, { serial });
  }
  return undefined;
}
