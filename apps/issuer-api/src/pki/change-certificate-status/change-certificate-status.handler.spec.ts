import { CaErrorCode } from '@scm/ca';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { CertificateStatusService } from '../certificate-status.service';
import { InMemoryCertificateRepository } from '../in-memory-certificate.repository';
import { FakeCa, fakeCaService } from '../testing/fake-ca';
import { ChangeCertificateStatusCommand } from './change-certificate-status.command';
import { ChangeCertificateStatusHandler } from './change-certificate-status.handler';

describe('ChangeCertificateStatusHandler', () => {
  const setup = () => {
    const certs = new InMemoryCertificateRepository();
    certs.seed({ serial: 'aa01', reference: { requestId: 'r1', slot: '9a' } });
    certs.seed({ serial: 'aa02', status: 'revoked', reason: 'superseded', revokedAt: new Date('2026-11-01T00:00:00Z') });
    const uow = new TestUnitOfWork();
    const cas = fakeCaService(new FakeCa(certs));
    const handler = new ChangeCertificateStatusHandler(uow, new CertificateStatusService(cas));
    return { certs, uow, handler, cas };
  };
  const actor = testActor();

  it('revokes: the record changes, the change is audited with the comment, and a CRL is queued', async () => {
    const { certs, uow, handler, cas } = setup();
    const view = await handler.execute(
      new ChangeCertificateStatusCommand('AA:01', { action: 'revoke', reason: 'keyCompromise' }, actor, 'laptop stolen'),
    );
    expect(view).toMatchObject({
      serial: 'aa01',
      status: 'revoked',
      reason: 'keyCompromise',
      revokedAt: uow.testClock.now().toISOString(),
    });
    expect(certs.rows[0]).toMatchObject({ status: 'revoked', reason: 'keyCompromise' });
    // The CA is opened on the unit of work's transaction (its first use after start reads its record there).
    expect(cas.openedOutsideTx).toBe(0);
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'certificate.revoked',
        targetType: 'certificate',
        targetId: 'aa01',
        outcome: 'success',
        actor: actor.actor,
        details: {
          caId: 'scm-issuing',
          from: 'valid',
          to: 'revoked',
          reason: 'keyCompromise',
          changed: true,
          reference: { requestId: 'r1', slot: '9a' },
          comment: 'laptop stolen',
        },
      }),
    ]);
    expect(uow.jobs).toEqual([expect.objectContaining({ name: 'publish-crl', payload: expect.objectContaining({ caId: 'scm-issuing' }) })]);
  });

  it('holds and releases, each audited and each queuing a CRL', async () => {
    const { uow, handler } = setup();
    await expect(handler.execute(new ChangeCertificateStatusCommand('aa01', { action: 'hold' }, actor))).resolves.toMatchObject({
      status: 'on-hold',
      reason: 'certificateHold',
    });
    await expect(handler.execute(new ChangeCertificateStatusCommand('aa01', { action: 'release' }, actor))).resolves.toMatchObject({
      status: 'valid',
      reason: null,
    });
    expect(uow.events.map((e) => [e.action, e.details?.from, e.details?.to])).toEqual([
      ['certificate.held', 'valid', 'on-hold'],
      ['certificate.released', 'on-hold', 'valid'],
    ]);
    expect(uow.jobs.map((j) => j.name)).toEqual(['publish-crl', 'publish-crl']);
  });

  it('revoking a revoked certificate for the same reason changes nothing and queues no CRL', async () => {
    const { uow, handler } = setup();
    await handler.execute(new ChangeCertificateStatusCommand('aa02', { action: 'revoke', reason: 'superseded' }, actor));
    expect(uow.events).toEqual([
      expect.objectContaining({ action: 'certificate.revoked', details: expect.objectContaining({ changed: false }) }),
    ]);
    expect(uow.jobs).toEqual([]);
  });

  it('refuses a change the status does not allow: the refusal is audited and answered with the certificate’s status', async () => {
    const { certs, uow, handler } = setup();
    const err = await handler.execute(new ChangeCertificateStatusCommand('aa02', { action: 'hold' }, actor)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: CaErrorCode.InvalidState, meta: { serial: 'aa02', certificateStatus: 'revoked' } });
    expect((err as { meta: Record<string, unknown> }).meta).not.toHaveProperty('status');
    expect(uow.committed).toEqual([
      {
        events: [
          expect.objectContaining({
            action: 'certificate.hold',
            targetType: 'certificate',
            targetId: 'aa02',
            outcome: 'denied',
            details: { reason: CaErrorCode.InvalidState, refusal: CaErrorCode.InvalidState },
          }),
        ],
        jobs: [],
        refused: err,
      },
    ]);
    expect(certs.rows[1].status).toBe('revoked');
  });

  it('refuses an unknown serial as not found, audited under the normalised serial', async () => {
    const { uow, handler } = setup();
    await expect(
      handler.execute(new ChangeCertificateStatusCommand('00:BB:01', { action: 'revoke', reason: 'superseded' }, actor)),
    ).rejects.toMatchObject({ code: CaErrorCode.NotFound });
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'certificate.revoke',
        targetId: 'bb01',
        outcome: 'denied',
        details: expect.objectContaining({ reason: CaErrorCode.NotFound }),
      }),
    ]);
  });

  it('lets other errors through without committing anything', async () => {
    const { uow, handler } = setup();
    await expect(handler.execute(new ChangeCertificateStatusCommand('zz', { action: 'release' }, actor))).rejects.toMatchObject({
      code: CaErrorCode.InvalidRequest,
    });
    expect(uow.committed).toEqual([]);
  });
});
