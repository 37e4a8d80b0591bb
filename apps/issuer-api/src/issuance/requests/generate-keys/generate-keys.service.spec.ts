import { X509Certificate } from 'node:crypto';
import { CaErrorCode } from '@scm/ca';
import type { CardProfileJson } from '@scm/db';
import { MemoryKeyProtector, type VscDeps } from '@scm/vsc';
import type { Logger } from 'pino';
import { InMemoryOutboxRepository } from '../../../platform/outbox/in-memory-outbox.repository';
import { TestUnitOfWork } from '../../../platform/testing/test-unit-of-work';
import { InMemoryCardholderRepository } from '../../cardholders/in-memory-cardholder.repository';
import { InMemoryVscRepository } from '../../vsc-escrow/in-memory-vsc.repository';
import { VscEscrowService } from '../../vsc-escrow/vsc-escrow.service';
import { InMemoryRequestRepository } from '../in-memory-request.repository';
import { RequestStateMachine } from '../request-state-machine';
import { GenerateKeysService } from './generate-keys.service';
import { SoftwareKeygenAuthority } from './software-keygen-authority';

const JOB = 'generate-keys|requestId=r1';

/** P-256 everywhere: the spec is about the steps, not RSA's speed. */
const PROFILE: CardProfileJson = {
  slots: {
    '9a': { algorithm: 'p256', template: 'piv-authentication', escrow: 'on-card' },
    '9d': { algorithm: 'p256', template: 'piv-key-management', escrow: 'escrow' },
    '9e': { algorithm: 'p256', template: 'piv-card-authentication', escrow: 'regenerate' },
  },
  pin: { minLength: 6, maxLength: 8, tries: 3 },
  puk: { length: 8, tries: 3 },
  managementKey: { algorithm: 'aes192' },
  validityDays: 365,
};

/** Key generation over in-memory storage, a memory key protector and a software CA (the HSM path is tested on SoftHSM2). */
function setup(state: 'requested' | 'keys-generated' | 'escrowed' | 'awaiting-card' = 'requested') {
  const requests = new InMemoryRequestRepository();
  requests.seed({ id: 'r1', batchId: 'b1', cardholderId: 'c1', state, profile: PROFILE });
  const cardholders = new InMemoryCardholderRepository();
  cardholders.seed({ id: 'c1', name: 'Alice Martin', upn: 'amartin@corp', email: 'alice@example.org' });
  const vscs = new InMemoryVscRepository();
  const outbox = new InMemoryOutboxRepository();
  const uow = new TestUnitOfWork();
  const deps: VscDeps = { protector: new MemoryKeyProtector(Buffer.alloc(32, 0x4b), Buffer.alloc(32, 0x52)) };
  const log = { error: () => undefined } as unknown as Logger;
  const escrows = new (class extends VscEscrowService {
    override deps(): VscDeps {
      return deps;
    }
  })(vscs, undefined as never, uow, log);
  const authority = new SoftwareKeygenAuthority();
  const service = new GenerateKeysService(
    uow,
    new RequestStateMachine(requests),
    requests,
    cardholders,
    vscs,
    outbox,
    escrows,
    authority,
    { SCM_ORGANIZATION: 'Example Org' },
    uow.testClock,
  );
  return { requests, cardholders, vscs, outbox, uow, escrows, authority, service };
}

describe('GenerateKeysService', () => {
  it('generates keys on a new VSC, certifies them, stores and escrows it, then waits for a card', async () => {
    const s = setup();
    expect(await s.service.run('r1', JOB)).toBe('generated');

    expect(s.requests.rows.get('r1')?.state).toBe('awaiting-card');
    expect(s.requests.history.map((h) => [h.from, h.to])).toEqual([
      ['requested', 'keys-generated'],
      ['keys-generated', 'escrowed'],
      ['escrowed', 'awaiting-card'],
    ]);
    const [vsc] = s.vscs.vscs.values();
    expect(vsc).toMatchObject({ kind: 'escrow', requestId: 'r1', cardholderId: 'c1', currentVersion: 1 });
    expect(s.vscs.stored).toEqual([expect.objectContaining({ vscId: vsc.id, version: 1, reason: 'issued', escrowedAt: expect.any(Date) })]);
    expect(s.requests.history[0].details).toMatchObject({
      vscId: vsc.id,
      vscVersion: 1,
      certificates: { '9d': expect.any(String), '9e': expect.any(String) },
      slots: { '9d': { algorithm: 'p256', escrow: 'escrow' }, '9e': { algorithm: 'p256', escrow: 'regenerate' } },
      onCard: ['9a'],
    });

    // Three commits: generated (sealed VSC), escrowed, card job queued with the job settled.
    expect(s.uow.committed.map((c) => c.events.map((e) => e.action))).toEqual([
      ['vsc.version-sealed', 'issuance-request.keys-generated'],
      ['vsc.escrowed', 'issuance-request.escrowed'],
      ['issuance-request.awaiting-card'],
    ]);
    // Awaiting a card puts the request in the pool the API leases card jobs from: no job is queued for it.
    expect(s.uow.committed.map((c) => c.jobs.map((j) => j.name))).toEqual([[], [], []]);
    expect(s.outbox.finished).toEqual([JOB]);
    expect(s.requests.announced.map((e) => e.state)).toEqual(['keys-generated', 'escrowed', 'awaiting-card']);

    // Certificates for the VSC's slots only; 9E names the card, not the person.
    expect(s.authority.requests.map((r) => [r.reference?.slot, r.template, r.subject])).toEqual([
      ['9d', 'piv-key-management', { commonName: 'Alice Martin', organization: 'Example Org' }],
      ['9e', 'piv-card-authentication', undefined],
    ]);
    expect(s.authority.requests[0]).toMatchObject({
      identity: { cardUuid: vsc.id, upn: 'amartin@corp', email: 'alice@example.org' },
      reference: { requestId: 'r1', vscId: vsc.id, slot: '9d' },
      validity: { notAfter: new Date(s.uow.testClock.now().getTime() + 365 * 86_400_000) },
    });

    // The escrow copy opens through the recovery path with the keys and their certificates; 9A is the card's own.
    const opened = await s.escrows.openForRecovery(vsc.id, { escrowedOnly: true });
    try {
      expect([opened.hasPrivateKey(0x9d), opened.hasPrivateKey(0x9e), opened.hasPrivateKey(0x9a)]).toEqual([true, true, false]);
      const cert = new X509Certificate(Buffer.from(opened.certificate(0x9d)!));
      expect(cert.subject).toBe('CN=Alice Martin');
      const serials = s.requests.history[0].details.certificates as Record<string, string>;
      expect(cert.serialNumber.toLowerCase()).toBe(serials['9d']);
    } finally {
      opened.close();
    }
  });

  it('resumes at the first step not committed, without a second VSC', async () => {
    const s = setup();
    await s.service.run('r1', JOB);
    // As if the process died after step 1: the request is keys-generated, its copy not escrowed yet.
    s.requests.rows.set('r1', { ...s.requests.rows.get('r1')!, state: 'keys-generated' });
    s.vscs.stored[0].escrowedAt = null;
    const before = s.uow.committed.length;
    expect(await s.service.run('r1', JOB)).toBe('resumed');
    expect(s.vscs.vscs.size).toBe(1);
    expect(s.requests.rows.get('r1')?.state).toBe('awaiting-card');
    expect(s.uow.committed.slice(before).map((c) => c.events.map((e) => e.action))).toEqual([
      ['vsc.escrowed', 'issuance-request.escrowed'],
      ['issuance-request.awaiting-card'],
    ]);
  });

  it('drops its own VSC when another run moved the request meanwhile (superseded)', async () => {
    const s = setup();
    s.authority.whileWriting = () => s.requests.rows.set('r1', { ...s.requests.rows.get('r1')!, state: 'cancelled' });
    expect(await s.service.run('r1', JOB)).toBe('superseded');
    expect(s.vscs.vscs.size).toBe(0);
    expect(s.authority.requests).toEqual([]);
    expect(s.uow.jobs).toEqual([]);
    expect(s.outbox.finished).toEqual([JOB]);
  });

  it('does nothing but settle the job for a request past key generation', async () => {
    const s = setup('awaiting-card');
    expect(await s.service.run('r1', JOB)).toBe('nothing-to-do');
    expect(await s.service.run('nope', 'generate-keys|requestId=nope')).toBe('nothing-to-do');
    expect(s.uow.events).toEqual([]);
    expect(s.outbox.finished).toEqual([JOB, 'generate-keys|requestId=nope']);
  });

  it('refuses a request whose cardholder is gone as a bad request (no retry helps)', async () => {
    const s = setup();
    s.cardholders.rows.clear();
    await expect(s.service.run('r1', JOB)).rejects.toMatchObject({ code: CaErrorCode.InvalidRequest, message: 'cardholder c1 is gone' });
    expect(s.uow.committed).toEqual([]);
  });

  it('fails a pending request with a reason, and leaves one past key generation alone', async () => {
    const s = setup('keys-generated');
    await s.service.fail('r1', JOB, 'key generation failed: the CA refused');
    expect(s.requests.rows.get('r1')).toMatchObject({ state: 'failed', failure: 'key generation failed: the CA refused' });
    expect(s.uow.events).toEqual([
      expect.objectContaining({
        action: 'issuance-request.failed',
        actor: 'system:keygen',
        outcome: 'success',
        details: { from: 'keys-generated', to: 'failed', failure: 'key generation failed: the CA refused' },
      }),
    ]);
    expect(s.outbox.finished).toEqual([JOB]);

    const t = setup('awaiting-card');
    await t.service.fail('r1', JOB, 'too late');
    expect(t.requests.rows.get('r1')?.state).toBe('awaiting-card');
    expect(t.uow.events).toEqual([]);
    expect(t.outbox.finished).toEqual([JOB]);
  });
});
