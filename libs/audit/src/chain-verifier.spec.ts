import { generateKeyPairSync, sign } from 'node:crypto';
import { type AuditRecord, chainEvents, checkpointMessage, eventHash, GENESIS_HASH } from './audit-chain';
import { ChainVerifier, type Checkpoint, summariseRun } from './chain-verifier';

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const spki = new Uint8Array(keys.publicKey.export({ format: 'der', type: 'spki' }));
let n = 0;
const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

function chain(len: number): AuditRecord[] {
  return chainEvents(
    { seq: 0, hash: GENESIS_HASH },
    Array.from({ length: len }, (_, i) => ({ actor: 'user:a', action: `act.${i}`, outcome: 'success' as const, details: { i } })),
    new Date('2026-11-25T00:00:00Z'),
    newId,
  );
}

function checkpoint(r: AuditRecord, key = keys.privateKey, pub = spki): Checkpoint {
  const signedAt = '2026-11-25T00:01:00.000Z';
  return {
    seq: r.seq,
    headHash: r.hash,
    signedAt,
    keyLabel: 'test',
    algorithm: 'ECDSA-SHA256',
    publicKey: pub,
    signature: new Uint8Array(sign('sha256', checkpointMessage(r.seq, r.hash, signedAt), { key, dsaEncoding: 'ieee-p1363' })),
  };
}

function verify(records: AuditRecord[], cps: Checkpoint[], trusted = [spki]) {
  const v = new ChainVerifier(cps);
  for (const r of records) v.push(r);
  return v.finish(trusted);
}

describe('audit chain verification', () => {
  it('accepts an intact chain with a trusted checkpoint', () => {
    const c = chain(10);
    const rep = verify(c, [checkpoint(c[4]), checkpoint(c[9])]);
    expect(rep).toMatchObject({ ok: true, events: 10, checkpointsChecked: 2, broken: null });
  });

  it('names an altered event', () => {
    const c = chain(10);
    c[6] = { ...c[6], details: { i: 999 } };
    const rep = verify(c, [checkpoint(chain(10)[9])]);
    expect(rep.ok).toBe(false);
    expect(rep.broken).toEqual({ seq: 7, reason: 'event 7 was altered (its content does not match its hash)' });
  });

  it('detects a truncated tail against the checkpoint', () => {
    const c = chain(10);
    const cp = checkpoint(c[9]);
    const rep = verify(c.slice(0, 7), [cp]);
    expect(rep.ok).toBe(false);
    expect(rep.broken?.seq).toBe(8);
    expect(rep.broken?.reason).toMatch(/truncated/);
  });

  it('detects a consistently recomputed suffix between checkpoints', () => {
    const c = chain(10);
    const cps = [checkpoint(c[3]), checkpoint(c[9])];
    // rewrite event 6 and recompute every hash after it: self-consistent, but not what was signed
    const forged = c.slice(0, 5);
    let prev = forged[4].hash;
    for (const r of c.slice(5)) {
      const x = { ...r, prevHash: prev, details: r.seq === 6 ? { i: 'forged' } : r.details };
      const hash = eventHash(x);
      forged.push({ ...x, hash });
      prev = hash;
    }
    const rep = verify(forged, cps);
    expect(rep.ok).toBe(false);
    expect(rep.broken).toEqual({ seq: 5, reason: expect.stringMatching(/events 5\.\.10 were rewritten/) });
  });

  it('names a missing event and a broken link', () => {
    const c = chain(6);
    expect(verify([...c.slice(0, 2), ...c.slice(3)], [checkpoint(c[5])]).broken?.reason).toBe('event 3 is missing (next is 4)');
    const relinked = [...c];
    relinked[4] = { ...relinked[4], prevHash: GENESIS_HASH };
    expect(verify(relinked, [checkpoint(c[5])]).broken?.reason).toMatch(/event 5 does not link to event 4/);
  });

  it('refuses checkpoints by an untrusted key or with a bad signature', () => {
    const c = chain(3);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const otherSpki = new Uint8Array(other.publicKey.export({ format: 'der', type: 'spki' }));
    const rep = verify(c, [checkpoint(c[2], other.privateKey, otherSpki)]);
    expect(rep.ok).toBe(false);
    expect(rep.problems[0]).toMatch(/untrusted key/);
    const bad = checkpoint(c[2]);
    bad.signature[5] ^= 1;
    expect(verify(c, [bad]).problems[0]).toMatch(/signature does not verify/);
  });

  it('says when no checkpoint exists', () => {
    const rep = verify(chain(2), []);
    expect(rep.ok).toBe(false);
    expect(rep.problems).toContain('no signed checkpoint: the chain is only self-consistent');
  });

  it('gives the same report from runs summarised apart (worker threads) as record by record', () => {
    const c = chain(23);
    const cps = [checkpoint(c[4]), checkpoint(c[11]), checkpoint(c[22])];
    const altered = c.map((r) => (r.seq === 9 ? { ...r, details: { i: 'x' } } : r));
    const relinked = c.map((r) => (r.seq === 15 ? { ...r, prevHash: GENESIS_HASH } : r));
    const gap = c.filter((r) => r.seq !== 12);
    const swapped = [...c.slice(0, 6), c[7], c[6], ...c.slice(8)];
    const cases = [c, altered, relinked, gap, swapped, c.slice(0, 18), []];
    for (const records of cases)
      for (const size of [1, 2, 5, 7, 100]) {
        const v = new ChainVerifier(cps);
        for (let i = 0; i < records.length; i += size) v.pushRun(summariseRun(records.slice(i, i + size), v.wantedSeqs()));
        expect(v.finish([spki])).toEqual(verify(records, cps));
      }
  });
});
