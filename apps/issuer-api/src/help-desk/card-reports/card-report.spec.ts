import { CARD_LIFECYCLE, canCardTransition } from '../../issuance/cards/card-lifecycle';
import { REPLACEABLE_STATES, REPORT_EFFECT, REPORT_REASONS, replacesOpenReport, STAND_IN_STATES } from './card-report';

describe('card reports against the card lifecycle', () => {
  it('gives each reason the CRL reason the lifecycle applies to the state it leads to', () => {
    for (const reason of REPORT_REASONS) {
      const { to, crl } = REPORT_EFFECT[reason];
      const effect = CARD_LIFECYCLE[to].effect;
      const applied = effect.kind === 'hold' ? 'certificateHold' : effect.kind === 'revoke' ? effect.reason : effect.kind;
      expect([reason, applied]).toEqual([reason, crl]);
    }
    expect(REPORT_EFFECT.lost.crl).toBe('keyCompromise');
    expect(REPORT_EFFECT.stolen.crl).toBe('keyCompromise');
    expect(REPORT_EFFECT['left-at-home'].to).toBe('suspended');
  });

  it('reports an active card for every reason, and an issued one for all but left at home', () => {
    for (const reason of REPORT_REASONS) expect([reason, canCardTransition('active', REPORT_EFFECT[reason].to)]).toEqual([reason, true]);
    expect(canCardTransition('issued', REPORT_EFFECT['left-at-home'].to)).toBe(false);
    // A card left at home that turns out lost is reported again.
    expect(canCardTransition('suspended', 'lost')).toBe(true);
  });

  it('replaces only cards that are gone for good, and lets a temporary card stand in for any reported card', () => {
    for (const s of REPLACEABLE_STATES) expect([s, canCardTransition(s as 'lost', 'replaced')]).toEqual([s, true]);
    expect(REPLACEABLE_STATES).not.toContain('suspended');
    expect([...STAND_IN_STATES].sort()).toEqual(REPORT_REASONS.map((r) => REPORT_EFFECT[r].to).sort());
  });

  it('lets a report replace an open one only when a card left at home turns out lost, stolen or damaged', () => {
    for (const next of ['lost', 'stolen', 'damaged'] as const)
      expect([next, replacesOpenReport('left-at-home', next)]).toEqual([next, true]);
    expect(replacesOpenReport('left-at-home', 'left-at-home')).toBe(false);
    for (const open of ['lost', 'stolen', 'damaged'] as const)
      for (const next of REPORT_REASONS) expect([open, next, replacesOpenReport(open, next)]).toEqual([open, next, false]);
  });
});
