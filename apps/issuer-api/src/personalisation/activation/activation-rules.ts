import type { ActivationView } from '@scm/personalisation';
import type { Card } from '../../issuance/cards/card.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import type { CallingWorker } from '../worker-principal';
import { PersonalisationError, PersonalisationErrorCode as E } from '../personalisation-errors';
import type { ActivationSession } from './activation-session.repository';

/** A session as officers and workers see it: with its card's serial and request, and the PIN rules of the card's profile. */
export function activationView(s: ActivationSession, card: Card, request: IssuanceRequest | undefined): ActivationView {
  return {
    id: s.id,
    purpose: s.purpose,
    cardId: s.cardId,
    serial: card.serial ?? '',
    requestId: card.requestId,
    workstation: s.workstation,
    state: s.state,
    startedBy: s.startedBy,
    identityCheck: s.identityCheck,
    createdAt: s.createdAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    closedAt: s.closedAt?.toISOString() ?? null,
    failure: s.failure,
    pin: { minLength: request?.profile.pin.minLength ?? 6, maxLength: request?.profile.pin.maxLength ?? 8 },
  };
}

/** Why an activation of the card may not start, or undefined: only an issued card with its PUK under the HSM and no open session. */
export function startRefusal(
  serial: string,
  card: Card | undefined,
  facts: { sealedPuk: boolean; openSession: boolean },
): PersonalisationError | undefined {
  if (!card) return new PersonalisationError(E.NotFound, `no card with serial ${serial}`, { serial });
  if (card.state !== 'issued') {
    return new PersonalisationError(E.WrongCardState, `card ${serial} is ${card.state}; only an issued card is activated`, {
      state: card.state,
    });
  }
  if (!facts.sealedPuk) return new PersonalisationError(E.NotReady, `card ${serial} has no PUK under the HSM`);
  if (facts.openSession) return new PersonalisationError(E.ActivationOpen, `an activation of card ${serial} is already open`);
  return undefined;
}

/**
 * Why this worker may not serve the session now, or undefined: it must be open and in time, at the
 * worker's workstation, not served by another worker, and its card in the state its purpose needs
 * (issued to activate, active to unblock).
 */
export function servingProblem(
  id: string,
  s: ActivationSession | undefined,
  card: Card | undefined,
  worker: CallingWorker,
  now: Date,
): PersonalisationError | undefined {
  if (!s || !card) return new PersonalisationError(E.NotFound, `no activation session ${id}`);
  if (s.state !== 'open' || s.expiresAt <= now) return new PersonalisationError(E.NoActivationSession, `activation ${id} is not open`);
  if (s.workstation !== worker.workstation)
    return new PersonalisationError(E.NoActivationSession, `activation ${id} is for workstation ${s.workstation}`);
  if (s.workerId && s.workerId !== worker.id)
    return new PersonalisationError(E.NotClaimant, `activation ${id} is served by another worker`);
  if (card.state !== (s.purpose === 'unblock' ? 'active' : 'issued'))
    return new PersonalisationError(E.WrongCardState, `card ${card.serial} is ${card.state}`);
  return undefined;
}
