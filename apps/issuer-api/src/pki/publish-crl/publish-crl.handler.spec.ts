import type { Logger } from 'pino';
import type { ApiConfig } from '../../platform/config/api-config';
import { InMemoryOutboxRepository } from '../../platform/outbox/in-memory-outbox.repository';
import { TestUnitOfWork } from '../../platform/testing/test-unit-of-work';
import { CrlPublisher } from '../crl-publisher.service';
import { InMemoryCaAuthorityRepository } from '../in-memory-ca-authority.repository';
import { InMemoryCertificateRepository } from '../in-memory-certificate.repository';
import { FakeCa, fakeCaService } from '../testing/fake-ca';
import { PublishCrlCommand } from './publish-crl.command';
import { PublishCrlHandler } from './publish-crl.handler';

describe('PublishCrlHandler and the CRL publisher', () => {
  const setup = () => {
    const uow = new TestUnitOfWork();
    const now = () => uow.testClock.now();
    const certs = new InMemoryCertificateRepository();
    certs.seed({ serial: '01', status: 'revoked', reason: 'superseded' });
    certs.seed({ serial: '02', status: 'on-hold' });
    certs.seed({ serial: '03' });
    certs.seed({ serial: '04', status: 'revoked', notAfter: new Date('2026-01-01T00:00:00Z') }); // expired: off the CRL
    const authorities = new InMemoryCaAuthorityRepository();
    authorities.addAuthority({ caId: 'scm-root', role: 'root' }); // offline root: no key here
    authorities.addAuthority({ caId: 'scm-issuing', role: 'issuing', keyLabel: 'scm-ca-issuing/1' });
    authorities.addAuthority({ caId: 'scm-content-signer', role: 'content-signer', keyLabel: 'scm-content-signer/1' });
    const outbox = new InMemoryOutboxRepository(now);
    const ca = new FakeCa(certs, 'scm-issuing', now);
    const log = { info: jest.fn() } as unknown as Logger;
    const cfg = { SCM_CRL_REPUBLISH_MINUTES: 60 } as ApiConfig;
    const publisher = new CrlPublisher(uow, fakeCaService(ca), authorities, certs, outbox, cfg, uow.testClock, log);
    return { uow, authorities, outbox, ca, publisher, handler: new PublishCrlHandler(publisher) };
  };

  it('signs a CRL of a CA whose key is here, under the CA’s publication lock, and audits it', async () => {
    const { uow, authorities, handler } = setup();
    const crl = await handler.execute(new PublishCrlCommand('scm-issuing'));
    expect(crl).toEqual({
      caId: 'scm-issuing',
      crlNumber: 1,
      thisUpdate: uow.testClock.now().toISOString(),
      nextUpdate: new Date(uow.testClock.now().getTime() + 72 * 3_600_000).toISOString(),
      entries: 2,
    });
    expect(authorities.locked).toEqual(['scm-issuing']);
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'crl.published',
        actor: 'system:crl-publisher',
        targetType: 'ca',
        targetId: 'scm-issuing',
        outcome: 'success',
        details: { ...crl, causes: [] },
      }),
    ]);
  });

  it('answers undefined, and signs nothing, for a CA it does not sign CRLs for', async () => {
    const { uow, ca, handler } = setup();
    for (const caId of ['scm-root', 'scm-content-signer', 'scm-nope'])
      await expect(handler.execute(new PublishCrlCommand(caId))).resolves.toBeUndefined();
    expect(ca.crlNumber).toBe(0);
    expect(uow.committed).toEqual([]);
  });

  it('for a job: claims every pending request of the CA, so a burst of revocations ends in one CRL', async () => {
    const { uow, outbox, ca, publisher } = setup();
    const tx = { em: undefined as never, now: uow.testClock.now() };
    const job = (caId: string, cause: string) => ({
      queue: 'maintenance',
      name: 'publish-crl',
      id: `publish-crl|caId=${caId}&cause=${cause}`,
      payload: { caId, cause },
    });
    await outbox.insert(tx, [job('scm-issuing', 'a'), job('scm-issuing', 'b'), job('scm-root', 'c')]);
    const first = await publisher.publish('scm-issuing', job('scm-issuing', 'b').id);
    expect(first?.crlNumber).toBe(1);
    expect(uow.events[0].details).toMatchObject({ causes: ['a', 'b'] });
    // The other job of the burst finds its cause covered by that CRL.
    await expect(publisher.publish('scm-issuing', job('scm-issuing', 'a').id)).resolves.toBeUndefined();
    expect(ca.crlNumber).toBe(1);
    expect(uow.events).toHaveLength(1);
    expect(await outbox.pendingCount()).toBe(1);
  });

  it('for a job whose own change an earlier CRL covered: still signs one for the changes committed since, which it claimed', async () => {
    const { uow, outbox, ca, publisher } = setup();
    const tx = { em: undefined as never, now: uow.testClock.now() };
    const job = (cause: string) => ({
      queue: 'maintenance',
      name: 'publish-crl',
      id: `publish-crl|caId=scm-issuing&cause=${cause}`,
      payload: { caId: 'scm-issuing', cause },
    });
    await outbox.insert(tx, [job('a'), job('b')]);
    expect((await publisher.publish('scm-issuing', job('a').id))?.crlNumber).toBe(1);
    // Committed after that CRL's claim, while job b waited for the publication lock.
    await outbox.insert(tx, [job('c')]);
    const second = await publisher.publish('scm-issuing', job('b').id);
    expect(second?.crlNumber).toBe(2);
    expect(uow.events.at(-1)?.details).toMatchObject({ causes: ['c'] });
    // Job c then finds nothing left to cover.
    await expect(publisher.publish('scm-issuing', job('c').id)).resolves.toBeUndefined();
    expect(ca.crlNumber).toBe(2);
    expect(await outbox.pendingCount()).toBe(0);
  });

  it('schedules a CRL when the latest is missing, older than the republish period, or past half its validity', async () => {
    const { uow, authorities, publisher } = setup();
    const now = uow.testClock.now().getTime();
    // None yet: due.
    expect(await publisher.scheduleDue()).toEqual(['scm-issuing']);
    expect(uow.jobs.map((j) => j.id)).toEqual(['publish-crl|caId=scm-issuing&cause=schedule-0']);
    // Fresh: not due.
    authorities.addCrl({
      caId: 'scm-issuing',
      crlNumber: '7',
      thisUpdate: new Date(now - 59 * 60_000),
      nextUpdate: new Date(now + 72 * 3_600_000),
    });
    expect(await publisher.scheduleDue()).toEqual([]);
    // An hour old: due, under a job id naming the CRL it replaces.
    authorities.addCrl({
      caId: 'scm-issuing',
      crlNumber: '8',
      thisUpdate: new Date(now - 60 * 60_000),
      nextUpdate: new Date(now + 72 * 3_600_000),
    });
    expect(await publisher.scheduleDue()).toEqual(['scm-issuing']);
    expect(uow.jobs.at(-1)?.id).toBe('publish-crl|caId=scm-issuing&cause=schedule-8');
    // Short-lived and past half its validity: due even if younger than the period.
    authorities.addCrl({
      caId: 'scm-issuing',
      crlNumber: '9',
      thisUpdate: new Date(now - 30 * 60_000),
      nextUpdate: new Date(now + 20 * 60_000),
    });
    expect(await publisher.scheduleDue()).toEqual(['scm-issuing']);
    expect(uow.jobs.at(-1)?.id).toBe('publish-crl|caId=scm-issuing&cause=schedule-9');
  });
});
