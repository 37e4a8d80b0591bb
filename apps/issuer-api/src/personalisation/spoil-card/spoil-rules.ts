import type { Card } from '../../issuance/cards/card.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import type { Attempt } from '../attempts/personalisation.repository';
import { ACTIVE_STATES } from '../attempts/attempt-rules';
import { PersonalisationError, PersonalisationErrorCode as E } from '../personalisation-errors';

/** Why the card may not be declared spoiled, or undefined: only a card not yet issued can be. */
export function spoilRefusal(serial: string, card: Card | undefined): PersonalisationError | undefined {
  if (!card) return new PersonalisationError(E.NotFound, `no card with serial ${serial}`, { serial });
  if (card.state !== 'personalising' && card.state !== 'blank') {
    return new PersonalisationError(E.WrongCardState, `card ${serial} is ${card.state}; only a card not yet issued can be spoiled`, {
      serial,
      state: card.state,
    });
  }
  return undefined;
}

/** Whether the request is being written to this very card now (its attempt is active on it). */
export const writtenTo = (request: IssuanceRequest | undefined, card: Card): request is IssuanceRequest =>
  !!request && request.cardId === card.id && (ACTIVE_STATES as readonly string[]).includes(request.state);

/** Whether the request waits for an officer's decision on this card (failed-card: spoil it or retry it). */
export const refusedBy = (request: IssuanceRequest | undefined, card: Card): request is IssuanceRequest =>
  !!request && request.cardId === card.id && request.state === 'failed-card';

/** Whether an attempt has reported nothing for longer than the stall period (no attempt: idle). */
export const attemptIdle = (attempt: Attempt | undefined, now: Date, stallSeconds: number): boolean =>
  !attempt || now.getTime() - attempt.updatedAt.getTime() > stallSeconds * 1000;
