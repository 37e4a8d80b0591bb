import type { Card } from '../../issuance/cards/card.repository';
import { PersonalisationErrorCode as E } from '../personalisation-errors';
import type { ActivationSession } from './activation-session.repository';
import { servingProblem, startRefusal } from './activation-rules';

const now = new Date('2026-12-01T09:00:00Z');
const card = (c: Partial<Card> = {}) => ({ id: 'k1', serial: '42', state: 'issued', requestId: 'r1', ...c }) as Card;
const session = (s: Partial<ActivationSession> = {}) =>
  ({
    id: 's1',
    cardId: 'k1',
    state: 'open',
    workstation: 2,
    workerId: null,
    purpose: 'activation',
    expiresAt: new Date(now.getTime() + 60_000),
    ...s,
  }) as ActivationSession;
const worker = { id: 'w1', workstation: 2 };

describe('activation rules', () => {
  it('starts only for an issued card with its PUK under the HSM and no open session', () => {
    const ok = { sealedPuk: true, openSession: false };
    expect(startRefusal('42', card(), ok)).toBeUndefined();
    expect(startRefusal('42', undefined, ok)?.code).toBe(E.NotFound);
    expect(startRefusal('42', card({ state: 'active' }), ok)).toMatchObject({ code: E.WrongCardState, meta: { state: 'active' } });
    expect(startRefusal('42', card(), { sealedPuk: false, openSession: false })?.code).toBe(E.NotReady);
    expect(startRefusal('42', card(), { sealedPuk: true, openSession: true })?.code).toBe(E.ActivationOpen);
  });

  it('lets the workstation’s worker serve an open session in time, and only that worker once it took it', () => {
    expect(servingProblem('s1', session(), card(), worker, now)).toBeUndefined();
    expect(servingProblem('s1', session({ workerId: 'w1' }), card(), worker, now)).toBeUndefined();
    expect(servingProblem('s1', undefined, undefined, worker, now)?.code).toBe(E.NotFound);
    expect(servingProblem('s1', session({ state: 'cancelled' }), card(), worker, now)?.code).toBe(E.NoActivationSession);
    expect(servingProblem('s1', session({ expiresAt: now }), card(), worker, now)?.code).toBe(E.NoActivationSession);
    expect(servingProblem('s1', session({ workstation: 3 }), card(), worker, now)?.code).toBe(E.NoActivationSession);
    expect(servingProblem('s1', session({ workerId: 'w2' }), card(), worker, now)?.code).toBe(E.NotClaimant);
  });

  it('wants an issued card to activate and an active one to unblock', () => {
    expect(servingProblem('s1', session(), card({ state: 'active' }), worker, now)?.code).toBe(E.WrongCardState);
    expect(servingProblem('s1', session({ purpose: 'unblock' }), card({ state: 'active' }), worker, now)).toBeUndefined();
    expect(servingProblem('s1', session({ purpose: 'unblock' }), card(), worker, now)?.code).toBe(E.WrongCardState);
  });
});
