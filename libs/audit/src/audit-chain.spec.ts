import { createHash } from 'node:crypto';
import { type AuditRecord, eventHash, GENESIS_HASH } from './audit-chain';
import { canonicalJson } from './canonical-json';

/** The hash as the chain's format defines it: canonicalJson of every field but the hashes. */
function referenceHash(r: Omit<AuditRecord, 'hash'>): string {
  const { prevHash, ...fields } = r;
  return createHash('sha256')
    .update(`scm-audit-v1\n${canonicalJson(fields)}\n${prevHash}`)
    .digest('hex');
}

const base: Omit<AuditRecord, 'hash'> = {
  seq: 7,
  id: '00000000-0000-4000-8000-000000000007',
  at: '2026-11-25T00:00:00.123Z',
  actor: 'user:a',
  actorName: 'Ölga "the officer"',
  role: 'security-officer',
  action: 'card.issued',
  targetType: 'card',
  targetId: 'c-1',
  outcome: 'success',
  requestId: 'req-1',
  details: { z: [1, 2.5, { b: null, a: 'x\n' }], a: true, m: { '\u00e9': 1, e: -0.001 } },
  prevHash: GENESIS_HASH,
};

describe('eventHash', () => {
  it('hashes the canonical JSON of the event, field by field, byte for byte', () => {
    const cases: Array<Omit<AuditRecord, 'hash'>> = [
      base,
      { ...base, actorName: null, role: null, targetType: null, targetId: null, requestId: null, details: {} },
      { ...base, seq: 1e15, details: { big: 1e21, unicode: '\u2028\ud83d\ude00', nested: [[[]]] } },
      { ...base, actor: 'lone \ud800 surrogate \\ back\u0001', targetId: '\u007f\u00ff', details: { 'k"ey': 'v\\', '\u0000': 0 } },
      // A hand-edited bundle line: seq as text takes the general path.
      { ...base, seq: '7' as unknown as number },
      // A bundle line that lacks a field: omitted, as canonicalJson omits undefined keys.
      { ...base, actorName: undefined as unknown as null, requestId: undefined as unknown as null },
    ];
    for (const c of cases) expect(eventHash(c)).toBe(referenceHash(c));
  });

  it('changes with any field', () => {
    const h = eventHash(base);
    for (const [k, v] of Object.entries({
      seq: 8,
      actor: 'user:b',
      at: '2026-11-25T00:00:00.124Z',
      details: { a: false },
      prevHash: 'f'.repeat(64),
    }))
      expect(eventHash({ ...base, [k]: v })).not.toBe(h);
  });
});
