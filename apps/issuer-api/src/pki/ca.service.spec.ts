import { AsyncLocalStorage } from 'node:async_hooks';
import { HsmCertificateAuthority, PivContentSigner } from '@scm/ca';
import type { ApiConfig } from '../platform/config/api-config';
import type { HsmHandle } from '../platform/infra/infra.module';
import type { Tx } from '../platform/infra/unit-of-work';
import { TestClock } from '../platform/testing/test-unit-of-work';
import type { CaAuthorityRepository } from './ca-authority.repository';
import { CaService } from './ca.service';
import type { CaStorePort } from './ca-store.port';

/** Openings the spec finishes by hand; each records whether it read on a transaction (inside `inTx`) or on the pool. */
function setup() {
  const bound = new AsyncLocalStorage<string>();
  const store: CaStorePort = {
    store: {} as CaStorePort['store'],
    inTx: (tx, fn) => bound.run((tx as unknown as { name: string }).name, fn),
  };
  const opens: Array<{ what: string; on: string; finish: () => void }> = [];
  const opened = <T>(what: string, value: T) =>
    new Promise<T>((resolve) => opens.push({ what, on: bound.getStore() ?? 'pool', finish: () => resolve(value) }));
  const ca = { caId: 'scm-issuing' } as unknown as HsmCertificateAuthority;
  const signer = { id: 'signer' } as unknown as PivContentSigner;
  jest.spyOn(HsmCertificateAuthority, 'open').mockImplementation(() => opened('ca', ca));
  jest.spyOn(PivContentSigner, 'open').mockImplementation(() => opened('signer', signer));
  const ctx = {};
  const hsm = { get: () => ctx, reset: () => undefined } as unknown as HsmHandle;
  const cfg = {
    SCM_CA_ISSUING_ID: 'scm-issuing',
    SCM_CA_ROOT_ID: 'scm-root',
    SCM_PUBLIC_URL: 'http://x',
    SCM_CRL_VALIDITY_HOURS: 24,
  } as ApiConfig;
  const svc = new CaService(store, {} as CaAuthorityRepository, hsm, cfg, new TestClock());
  return { svc, opens, ca, signer };
}

const tx = (name: string) => ({ name, em: {} }) as unknown as Pick<Tx, 'em'>;
const tick = () => new Promise((r) => setImmediate(r));

describe('CaService: opening the CA and the content signer', () => {
  afterEach(() => jest.restoreAllMocks());

  it('a unit of work does not wait on an opening still reading on the pool: it opens on its own transaction', async () => {
    const { svc, opens, ca, signer } = setup();
    const outside = svc.ca();
    const outsideSigner = svc.contentSigner();
    let inside: unknown;
    let insideSigner: unknown;
    void svc.ca(tx('uow-1')).then((x) => (inside = x));
    void svc.contentSigner(tx('uow-1')).then((x) => (insideSigner = x));
    await tick();
    expect(opens.map((o) => `${o.what} on ${o.on}`)).toEqual(['ca on pool', 'signer on pool', 'ca on uow-1', 'signer on uow-1']);
    opens[2].finish();
    opens[3].finish();
    await tick();
    // Done while the pool's openings still wait for a connection.
    expect(inside).toBe(ca);
    expect(insideSigner).toBe(signer);
    opens[0].finish();
    opens[1].finish();
    expect(await outside).toBe(ca);
    expect(await outsideSigner).toBe(signer);
  });

  it('shares an opening once done, and one under way on a transaction, with everyone', async () => {
    const { svc, opens, ca } = setup();
    const first = svc.ca(tx('uow-1'));
    const second = svc.ca(tx('uow-2'));
    const third = svc.ca();
    await tick();
    expect(opens.map((o) => `${o.what} on ${o.on}`)).toEqual(['ca on uow-1']);
    opens[0].finish();
    expect(await Promise.all([first, second, third])).toEqual([ca, ca, ca]);
    await svc.ca();
    expect(await svc.ca(tx('uow-3'))).toBe(ca);
    expect(opens).toHaveLength(1);
  });
});
