import type { ActivationSession } from '../activation/activation-session.repository';
import { claimedRequest, type PersonalisationWorld } from './personalisation-world';

export const SESSION = '00000000-0000-4000-8000-00000000e001';

/** An issued card (its PUK sealed, its request issued) and, unless `session` is null, an open activation session at workstation 0. */
export async function issuedCard(w: PersonalisationWorld, session: Partial<ActivationSession> | null = {}) {
  const { request, card, vscId } = await claimedRequest(w);
  w.repos.requests.rows.set(request.id, { ...request, state: 'issued' });
  w.repos.cards.rows.set(card.id, { ...card, state: 'issued' });
  const s =
    session &&
    w.repos.sessions.seed({
      id: SESSION,
      cardId: card.id,
      createdAt: w.clock.now(),
      expiresAt: new Date(w.clock.now().getTime() + 30 * 60_000),
      ...session,
    });
  return { request, card: w.repos.cards.rows.get(card.id)!, vscId, session: s };
}
