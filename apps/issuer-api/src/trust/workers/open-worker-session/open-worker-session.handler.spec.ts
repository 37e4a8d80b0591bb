import type { Actor } from '../../auth/principal';
import { InMemorySessionRepository } from '../../auth/in-memory-session.repository';
import { SessionService, tokenHash } from '../../auth/session.service';
import { TestUnitOfWork } from '../../../platform/testing/test-unit-of-work';
import type { CardWorker } from '../worker.repository';
import { InMemoryWorkerRepository } from '../in-memory-worker.repository';
import { testWorkerKeys } from '../testing/test-worker';
import { WorkerErrorCode } from '../worker-errors';
import { OpenWorkerSessionCommand } from './open-worker-session.command';
import { OpenWorkerSessionHandler } from './open-worker-session.handler';

const anonymous: Actor = { actor: 'anonymous', actorName: null, role: null, requestId: 'req-1', address: '10.0.0.5' };
const NONCE = 'ab'.repeat(32);

describe('OpenWorkerSessionHandler', () => {
  const setup = (status: CardWorker['status'] = 'approved') => {
    const uow = new TestUnitOfWork();
    const keys = testWorkerKeys();
    const workers = new InMemoryWorkerRepository();
    workers.seed({ id: 'w1', name: 'ws2', workstation: 2, status, signKey: keys.signDer, fingerprint: 'F1' });
    workers.challenges.push({
      nonce: Buffer.from(NONCE, 'hex'),
      workerId: 'w1',
      expiresAt: new Date(uow.testClock.now().getTime() + 60_000),
    });
    const sessionRepo = new InMemorySessionRepository();
    const sessions = new SessionService(sessionRepo, uow.testClock, { SCM_SESSION_IDLE_MINUTES: 15, SCM_SESSION_MAX_HOURS: 8 });
    const open = (signature = keys.sign('w1', NONCE), nonce = NONCE) =>
      new OpenWorkerSessionHandler(uow, sessions, workers).execute(new OpenWorkerSessionCommand('w1', nonce, signature, anonymous));
    return { uow, keys, workers, sessionRepo, open };
  };

  it('gives an approved worker a 12-hour session for a fresh signed challenge, consumed once', async () => {
    const { uow, workers, sessionRepo, open } = setup();
    const r = await open();
    expect(r).toEqual({
      token: expect.any(String),
      expiresAt: new Date(uow.testClock.now().getTime() + 12 * 3600_000).toISOString(),
      workstation: 2,
    });
    const [s] = [...sessionRepo.sessions.values()];
    expect(s).toMatchObject({ principalKind: 'worker', principalId: 'w1', address: '10.0.0.5' });
    expect(s.tokenHash.equals(tokenHash(r.token))).toBe(true);
    expect(workers.challenges).toEqual([]);
    expect(workers.workers.get('w1')!.lastSeenAt).toEqual(uow.testClock.now());
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'worker.login',
        actor: 'worker:w1',
        actorName: 'ws2',
        outcome: 'success',
        details: { sessionId: s.id },
      }),
    ]);
    await expect(open()).rejects.toMatchObject({ code: WorkerErrorCode.BadSignature });
  });

  it('refuses a forged signature (audited as the worker) and an expired challenge', async () => {
    const { uow, sessionRepo, open } = setup();
    await expect(open(testWorkerKeys().sign('w1', NONCE))).rejects.toMatchObject({ code: WorkerErrorCode.BadSignature });
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'worker.login',
        actor: 'worker:w1',
        outcome: 'denied',
        details: { reason: 'bad-signature-or-challenge' },
      }),
    ]);
    const late = setup();
    late.uow.testClock.advance(60_000);
    await expect(late.open()).rejects.toMatchObject({ code: WorkerErrorCode.BadSignature });
    expect(sessionRepo.sessions.size).toBe(0);
  });

  it('tells a pending worker to wait (with its fingerprint) and a revoked one no', async () => {
    const pending = setup('pending');
    await expect(pending.open()).rejects.toMatchObject({ code: WorkerErrorCode.NotApproved, meta: { fingerprint: 'F1' } });
    expect(pending.sessionRepo.sessions.size).toBe(0);
    const revoked = setup('revoked');
    await expect(revoked.open()).rejects.toMatchObject({ code: WorkerErrorCode.Revoked });
  });

  it('is NotFound for an unknown worker', async () => {
    const { uow, workers, sessionRepo } = setup();
    const sessions = new SessionService(sessionRepo, uow.testClock, { SCM_SESSION_IDLE_MINUTES: 15, SCM_SESSION_MAX_HOURS: 8 });
    await expect(
      new OpenWorkerSessionHandler(uow, sessions, workers).execute(new OpenWorkerSessionCommand('w9', NONCE, 'x', anonymous)),
    ).rejects.toMatchObject({ code: WorkerErrorCode.NotFound });
  });
});
