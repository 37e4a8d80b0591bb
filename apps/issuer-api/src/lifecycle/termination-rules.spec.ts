import { cardOutcome, purgeRefusal, requestOutcome, retainUntil } from './termination-rules';

describe('termination rules', () => {
  it('terminates issued cards, spoils one mid-personalisation, leaves the others', () => {
    for (const s of ['issued', 'active', 'suspended', 'lost', 'stolen', 'damaged'] as const) expect(cardOutcome(s)).toBe('terminated');
    expect(cardOutcome('personalising')).toBe('spoiled');
    for (const s of ['blank', 'replaced', 'spoiled', 'terminated', 'expired'] as const) expect(cardOutcome(s)).toBe('unchanged');
  });

  it('cancels requests before a card is claimed and fails them after', () => {
    expect(requestOutcome('awaiting-card')).toBe('cancelled');
    expect(requestOutcome('requested')).toBe('cancelled');
    expect(requestOutcome('personalising')).toBe('failed');
    expect(requestOutcome('failed-card')).toBe('failed');
    expect(requestOutcome('issued')).toBe('unchanged');
  });

  it('refuses a purge before the retention ends, twice, or of someone not terminated', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    const t = { retainUntil: retainUntil(at, 30), purgedAt: null };
    expect(t.retainUntil.toISOString()).toBe('2026-12-31T00:00:00.000Z');
    expect(purgeRefusal(t, new Date('2026-12-30T23:59:59Z'))?.code).toBe('retention-running');
    expect(purgeRefusal(t, new Date('2026-12-31T00:00:00Z'))).toBeNull();
    expect(purgeRefusal({ ...t, purgedAt: at }, new Date('2027-01-10T00:00:00Z'))?.code).toBe('already-purged');
    expect(purgeRefusal(undefined, at)?.code).toBe('not-terminated');
    expect(purgeRefusal({ retainUntil: retainUntil(at, 0), purgedAt: null }, at)).toBeNull();
  });
});
