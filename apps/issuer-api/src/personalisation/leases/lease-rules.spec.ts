import { PersonalisationErrorCode as E } from '../personalisation-errors';
import { boundCardLease, leaseExpiry, leaseProblem } from './lease-rules';
import type { CardLease } from './card-lease.repository';
import type { Card } from '../../issuance/cards/card.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';

const NOW = new Date('2026-12-04T12:00:00Z');
const LEASE: CardLease = {
  requestId: 'r1',
  workerId: 'w1',
  workstation: 2,
  reader: 'Virtual PCD 00 00',
  serial: '1001',
  atr: '3B00',
  leasedAt: NOW,
  expiresAt: leaseExpiry(NOW, 30),
};
const claim = { requestId: 'r1', workerId: 'w1', workstation: 2, serial: '1001' };

describe('leaseProblem', () => {
  it('accepts the claim of the lease holder, for its card, at its workstation, before expiry', () => {
    expect(leaseProblem(LEASE, claim, new Date(NOW.getTime() + 29_000))).toBeUndefined();
  });

  it.each([
    ['no lease', undefined, claim, NOW],
    ['leased to another worker', LEASE, { ...claim, workerId: 'w2' }, NOW],
    ['leased at another workstation', LEASE, { ...claim, workstation: 3 }, NOW],
    ['leased for another card', LEASE, { ...claim, serial: '2002' }, NOW],
    ['the lease expired', LEASE, claim, new Date(NOW.getTime() + 30_000)],
  ] as const)('refuses a claim with %s', (why, lease, c, now) => {
    expect(leaseProblem(lease, c, now)).toMatchObject({ code: E.NotLeased, meta: { why } });
  });
});

describe('boundCardLease', () => {
  const card = { id: 'k1', serial: '1001' } as Card;
  const request = (r: Partial<IssuanceRequest>) =>
    ({ id: 'r1', state: 'awaiting-card', cardId: 'k1', workerId: 'w1', ...r }) as IssuanceRequest;

  it('resumes the request on its card for the worker that personalises it', () => {
    expect(boundCardLease(card, request({}), 'w1')).toEqual({ kind: 'resume', requestId: 'r1' });
  });

  it('refuses a worker the request is not bound to: no silent takeover', () => {
    expect(boundCardLease(card, request({}), 'w2')).toMatchObject({ code: E.BoundToAnotherWorker });
  });

  it('offers nothing for a card whose request is over or bound elsewhere', () => {
    expect(boundCardLease(card, request({ state: 'issued' }), 'w1')).toEqual({ kind: 'none' });
    expect(boundCardLease(card, request({ cardId: 'k2' }), 'w1')).toEqual({ kind: 'none' });
    expect(boundCardLease(card, undefined, 'w1')).toEqual({ kind: 'none' });
  });
});
