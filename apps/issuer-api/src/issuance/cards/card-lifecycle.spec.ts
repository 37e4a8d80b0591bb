import { CARD_LIFECYCLE, CARD_STATES, canCardTransition } from './card-lifecycle';

describe('card lifecycle', () => {
  it('goes blank → personalising → issued → active', () => {
    expect(canCardTransition('blank', 'personalising')).toBe(true);
    expect(canCardTransition('personalising', 'issued')).toBe(true);
    expect(canCardTransition('issued', 'active')).toBe(true);
    expect(canCardTransition('blank', 'issued')).toBe(false);
    expect(canCardTransition('personalising', 'active')).toBe(false);
  });

  it('never overwrites an issued card: no way back to blank or personalising', () => {
    for (const s of CARD_STATES) {
      if (s === 'blank') continue;
      expect([s, canCardTransition(s, 'blank')]).toEqual([s, false]);
      expect([s, canCardTransition(s, 'personalising')]).toEqual([s, false]);
    }
  });

  it('puts certificates on hold for a suspended card and releases them on reactivation', () => {
    expect(CARD_LIFECYCLE.suspended.effect).toEqual({ kind: 'hold' });
    expect(canCardTransition('suspended', 'active')).toBe(true);
    expect(CARD_LIFECYCLE.active.effect).toEqual({ kind: 'release' });
  });

  it('revokes with the reasons of design.md', () => {
    expect(CARD_LIFECYCLE.stolen.effect).toEqual({ kind: 'revoke', reason: 'keyCompromise' });
    expect(CARD_LIFECYCLE.lost.effect).toEqual({ kind: 'revoke', reason: 'keyCompromise' });
    expect(CARD_LIFECYCLE.damaged.effect).toEqual({ kind: 'revoke', reason: 'superseded' });
    expect(CARD_LIFECYCLE.replaced.effect).toEqual({ kind: 'revoke', reason: 'superseded' });
    expect(CARD_LIFECYCLE.terminated.effect).toEqual({ kind: 'revoke', reason: 'cessationOfOperation' });
    expect(CARD_LIFECYCLE.spoiled.effect).toEqual({ kind: 'none' });
  });

  it('has no way out of a revoked state back to use', () => {
    for (const s of ['lost', 'stolen', 'damaged', 'replaced', 'terminated', 'spoiled', 'expired'] as const) {
      expect([s, canCardTransition(s, 'active'), canCardTransition(s, 'issued')]).toEqual([s, false, false]);
    }
  });
});
