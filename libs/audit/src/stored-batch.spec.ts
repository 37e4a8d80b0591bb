import { isoOfPgTimestamp, recordOfRaw } from './stored-batch';

describe('reading raw audit rows', () => {
  it('prints PostgreSQL UTC timestamps as toISOString does', () => {
    for (const [pg, iso] of [
      ['2026-12-01 10:20:30+00', '2026-12-01T10:20:30.000Z'],
      ['2026-12-01 10:20:30.1+00', '2026-12-01T10:20:30.100Z'],
      ['2026-12-01 10:20:30.12+00', '2026-12-01T10:20:30.120Z'],
      ['2026-12-01 10:20:30.123+00', '2026-12-01T10:20:30.123Z'],
      ['2026-01-09 00:00:00.999+00', '2026-01-09T00:00:00.999Z'],
    ])
      expect([isoOfPgTimestamp(pg), new Date(iso).toISOString()]).toEqual([iso, iso]);
  });

  it('turns a raw row into a record (hex hashes, parsed details, nulls kept)', () => {
    const r = recordOfRaw([
      '42',
      'id-1',
      '2026-12-01 10:20:30.5+00',
      'user:a',
      null,
      null,
      'x.y',
      null,
      't',
      'denied',
      null,
      '{"a": [1, {"b": null}]}',
      '\\xab01',
      '\\xcd02',
    ]);
    expect(r).toEqual({
      seq: 42,
      id: 'id-1',
      at: '2026-12-01T10:20:30.500Z',
      actor: 'user:a',
      actorName: null,
      role: null,
      action: 'x.y',
      targetType: null,
      targetId: 't',
      outcome: 'denied',
      requestId: null,
      details: { a: [1, { b: null }] },
      prevHash: 'ab01',
      hash: 'cd02',
    });
  });
});
