import type { CaService } from '../../pki/ca.service';
import type { Tx } from '../../platform/infra/unit-of-work';
import { DerivedVscIssuer } from './derived-vsc-issuer';

const DAY_MS = 86_400_000;

/** A CaService whose CAs may only be opened on a transaction (given it, or inside `inTx`), as the unit of work's connection guard demands. */
function strictCas(caEnds: Date, signerEnds: Date) {
  let depth = 0;
  const outside: string[] = [];
  const svc = {
    inTx: async <T>(_tx: unknown, fn: () => Promise<T>) => {
      depth++;
      try {
        return await fn();
      } finally {
        depth--;
      }
    },
    ca: async (tx?: unknown) => {
      if (!tx && depth === 0) outside.push('ca');
      return { certificate: { notAfter: caEnds } };
    },
    contentSigner: async (tx?: unknown) => {
      if (!tx && depth === 0) outside.push('content signer');
      return { certificate: { notAfter: signerEnds } };
    },
  };
  return { cas: svc as unknown as CaService, outside };
}

describe('DerivedVscIssuer', () => {
  const now = new Date('2026-12-06T08:00:00Z');
  const tx = { now } as Tx;

  it('ends a derived VSC after its days, or with the issuing CA or content signer certificate when that ends first', async () => {
    const far = new Date(now.getTime() + 3650 * DAY_MS);
    expect(await new DerivedVscIssuer(strictCas(far, far).cas).latestExpiry(tx, 7)).toEqual(new Date(now.getTime() + 7 * DAY_MS));
    const soon = new Date(now.getTime() + 2 * DAY_MS);
    expect(await new DerivedVscIssuer(strictCas(far, soon).cas).latestExpiry(tx, 7)).toEqual(soon);
    expect(await new DerivedVscIssuer(strictCas(soon, far).cas).latestExpiry(tx, 7)).toEqual(soon);
  });

  it('opens the CA and the content signer on the caller’s transaction (the first use after start reads their records there)', async () => {
    const far = new Date(now.getTime() + 3650 * DAY_MS);
    const { cas, outside } = strictCas(far, far);
    await new DerivedVscIssuer(cas).latestExpiry(tx, 7);
    expect(outside).toEqual([]);
  });

  it('fails only once neither opening still runs on the caller’s transaction (it rolls back with the error)', async () => {
    const far = new Date(now.getTime() + 3650 * DAY_MS);
    const { cas } = strictCas(far, far);
    let signerDone = false;
    let releaseSigner!: () => void;
    const s = cas as unknown as Record<string, unknown>;
    s.ca = async () => {
      throw new Error('the CA record is not readable');
    };
    s.contentSigner = () =>
      new Promise((resolve) => {
        releaseSigner = () => {
          signerDone = true;
          resolve({ certificate: { notAfter: far } });
        };
      });
    let settled = false;
    const p = new DerivedVscIssuer(cas).latestExpiry(tx, 7).finally(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    releaseSigner();
    await expect(p).rejects.toThrow('the CA record is not readable');
    expect(signerDone).toBe(true);
  });
});
