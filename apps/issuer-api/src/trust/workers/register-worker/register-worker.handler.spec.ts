import { workerFingerprint } from '@scm/common';
import type { Actor } from '../../auth/principal';
import { TestUnitOfWork } from '../../../platform/testing/test-unit-of-work';
import { InMemoryWorkerRepository } from '../in-memory-worker.repository';
import { SpecKeyPackages } from '../testing/spec-key-packages';
import { testWorkerKeys } from '../testing/test-worker';
import { WorkerErrorCode } from '../worker-errors';
import { enrollmentTokenHash } from '../worker-rules';
import { RegisterWorkerCommand, type WorkerRegistration } from './register-worker.command';
import { RegisterWorkerHandler } from './register-worker.handler';

const anonymous: Actor = { actor: 'anonymous', actorName: null, role: null, requestId: 'req-1', address: '10.0.0.5' };
const TOKEN = 'one-time-enrolment-token-0123456789';

describe('RegisterWorkerHandler', () => {
  const setup = (token: { workstation?: number | null; usedAt?: Date | null; expiresInMs?: number } = {}) => {
    const uow = new TestUnitOfWork();
    const workers = new InMemoryWorkerRepository();
    workers.tokens.set('t1', {
      id: 't1',
      tokenHash: enrollmentTokenHash(TOKEN),
      workstation: token.workstation ?? null,
      createdBy: 'user:o1',
      createdAt: uow.testClock.now(),
      expiresAt: new Date(uow.testClock.now().getTime() + (token.expiresInMs ?? 3600_000)),
      usedAt: token.usedAt ?? null,
      workerId: null,
    });
    const keys = testWorkerKeys();
    const packages = new SpecKeyPackages();
    const registration = (over: Partial<WorkerRegistration> = {}): WorkerRegistration => ({
      enrollmentToken: TOKEN,
      name: 'frontdesk-1 ws1',
      host: 'frontdesk-1',
      workstation: 1,
      signPublicKey: keys.signPublicKey,
      kexPublicKey: keys.kexPublicKey,
      ...over,
    });
    const register = (over?: Partial<WorkerRegistration>) =>
      new RegisterWorkerHandler(uow, workers, packages).execute(new RegisterWorkerCommand(registration(over), anonymous));
    return { uow, workers, keys, register, packages };
  };

  it('registers a pending worker with its keys and fingerprint, using the token up, audited as the worker', async () => {
    const { uow, workers, keys, register, packages } = setup({ workstation: 1 });
    const v = await register();
    const fingerprint = workerFingerprint(keys.signDer, keys.kexDer);
    expect(v).toEqual({
      id: expect.any(String),
      name: 'frontdesk-1 ws1',
      host: 'frontdesk-1',
      workstation: 1,
      fingerprint,
      status: 'pending',
      registeredAt: uow.testClock.now().toISOString(),
      decidedAt: null,
      lastSeenAt: null,
      // The API's key-package key, which the worker pins.
      packageKey: await packages.publicKey(),
    });
    expect(workers.workers.get(v.id)!.signKey.equals(keys.signDer)).toBe(true);
    expect(workers.tokens.get('t1')).toMatchObject({ usedAt: uow.testClock.now(), workerId: v.id });
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'worker.registered',
        actor: `worker:${v.id}`,
        actorName: 'frontdesk-1 ws1',
        targetId: v.id,
        outcome: 'success',
        details: { name: 'frontdesk-1 ws1', host: 'frontdesk-1', workstation: 1, fingerprint },
      }),
    ]);
  });

  it('refuses a used token the second time, and audits why', async () => {
    const { uow, workers, register } = setup();
    await register();
    await expect(register({ name: 'again' })).rejects.toMatchObject({ code: WorkerErrorCode.BadEnrollmentToken });
    expect(workers.workers.size).toBe(1);
    expect(uow.committed[1].events).toEqual([
      expect.objectContaining({
        action: 'worker.registered',
        actor: 'anonymous',
        targetId: null,
        outcome: 'denied',
        details: { name: 'again', host: 'frontdesk-1', reason: 'token-already-used' },
      }),
    ]);
  });

  it.each([
    ['unknown-token', { enrollmentToken: 'some-other-token-that-is-long' }, {}],
    ['token-expired', {}, { expiresInMs: 0 }],
  ])('refuses an enrolment with reason %s', async (reason, over, token) => {
    const { uow, workers, register } = setup(token);
    await expect(register(over)).rejects.toMatchObject({ code: WorkerErrorCode.BadEnrollmentToken });
    expect(workers.workers.size).toBe(0);
    expect(uow.events[0].details).toMatchObject({ reason });
  });

  it('refuses a token bound to another workstation, and keys that are not what they claim', async () => {
    const { uow, workers, keys, register } = setup({ workstation: 3 });
    await expect(register()).rejects.toMatchObject({
      code: WorkerErrorCode.WrongWorkstation,
      message: 'this token enrols workstation 3, not 1',
    });
    await expect(register({ workstation: 3, signPublicKey: keys.kexPublicKey })).rejects.toMatchObject({ code: WorkerErrorCode.BadKey });
    expect(workers.workers.size).toBe(0);
    expect(workers.tokens.get('t1')!.usedAt).toBeNull();
    expect(uow.events).toEqual([]);
  });
});
