import type { TemporaryCard } from './temporary-card.repository';
import { TemporaryCardErrorCode as E } from './temporary-card-errors';
import {
  activationRefusal,
  hostRefusal,
  hostWorkerRefusal,
  isExpiryDue,
  lifetimeRefusal,
  pinTriesAfter,
  shownState,
} from './temporary-card-rules';

const NOW = new Date('2026-12-01T09:00:00Z');
const HOST = 'w-host';
const card = (t: Partial<TemporaryCard> = {}): TemporaryCard =>
  ({
    id: 't1',
    state: 'active',
    hostWorkerId: HOST,
    expiresAt: new Date('2026-12-02T09:00:00Z'),
    pinTries: 3,
    pinRemaining: 3,
    ...t,
  }) as TemporaryCard;

describe('temporary card rules', () => {
  it('shows an open card past its expiry as expired, and the others as they are', () => {
    expect(shownState(card(), NOW)).toBe('active');
    expect(shownState(card({ expiresAt: NOW }), NOW)).toBe('expired');
    expect(shownState(card({ state: 'issued', expiresAt: NOW }), NOW)).toBe('expired');
    expect(shownState(card({ state: 'revoked', expiresAt: NOW }), NOW)).toBe('revoked');
    expect(isExpiryDue(card({ expiresAt: NOW }), NOW)).toBe(true);
    expect(isExpiryDue(card(), NOW)).toBe(false);
    expect(isExpiryDue(card({ state: 'revoked', expiresAt: NOW }), NOW)).toBe(false);
  });

  it('lets a card live 1 to the configured maximum of whole days', () => {
    expect(lifetimeRefusal(1, 30)).toBeUndefined();
    expect(lifetimeRefusal(30, 30)).toBeUndefined();
    for (const days of [0, 31, 1.5, -1]) expect([days, lifetimeRefusal(days, 30)?.code]).toEqual([days, E.Invalid]);
    expect(lifetimeRefusal(31, 30)?.message).toBe('a temporary card lives 1 to 30 days');
  });

  it('hosts on approved workers only', () => {
    expect(hostWorkerRefusal('approved', 'w1')).toBeUndefined();
    for (const s of ['pending', 'revoked', undefined])
      expect(hostWorkerRefusal(s, 'w1')).toMatchObject({ code: E.Invalid, meta: { hostWorkerId: 'w1' } });
  });

  it('lets only its own host use an active, unexpired card, and says why not otherwise', () => {
    expect(hostRefusal(card(), HOST, NOW)).toBeUndefined();
    expect(hostRefusal(card(), 'someone-else', NOW)?.code).toBe(E.NotHost);
    expect(hostRefusal(card({ state: 'revoked' }), HOST, NOW)?.message).toBe('temporary card t1 is revoked');
    expect(hostRefusal(card({ state: 'expired' }), HOST, NOW)?.code).toBe(E.Expired);
    expect(hostRefusal(card({ expiresAt: NOW }), HOST, NOW)?.message).toBe('temporary card t1 expired at 2026-12-01T09:00:00.000Z');
    expect(hostRefusal(card({ state: 'issued' }), HOST, NOW)).toMatchObject({
      code: E.WrongState,
      message: 'temporary card t1 is not activated yet',
    });
  });

  it('activates an issued card and resets an active one, until it expires or is closed', () => {
    expect(activationRefusal(card({ state: 'issued' }), NOW)).toBeUndefined();
    expect(activationRefusal(card(), NOW)).toBeUndefined();
    expect(activationRefusal(card({ state: 'revoked' }), NOW)?.code).toBe(E.WrongState);
    expect(activationRefusal(card({ state: 'expired' }), NOW)?.code).toBe(E.WrongState);
    expect(activationRefusal(card({ expiresAt: NOW }), NOW)?.code).toBe(E.Expired);
  });

  it('counts a wrong PIN and gives every try back after the right one', () => {
    expect(pinTriesAfter({ pinTries: 3, pinRemaining: 3 }, false)).toBe(2);
    expect(pinTriesAfter({ pinTries: 3, pinRemaining: 1 }, false)).toBe(0);
    expect(pinTriesAfter({ pinTries: 3, pinRemaining: 0 }, false)).toBe(0);
    expect(pinTriesAfter({ pinTries: 3, pinRemaining: 1 }, true)).toBe(3);
  });
});
