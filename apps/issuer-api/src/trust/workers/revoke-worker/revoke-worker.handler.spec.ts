import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemorySessionRepository } from '../../auth/in-memory-session.repository';
import { SessionService } from '../../auth/session.service';
import { InMemoryWorkerRepository } from '../in-memory-worker.repository';
import { RecordingConnections } from '../testing/test-worker';
import { WorkerDecisionService } from '../worker-decision.service';
import { WorkerErrorCode } from '../worker-errors';
import { RevokeWorkerCommand } from './revoke-worker.command';
import { RevokeWorkerHandler } from './revoke-worker.handler';

describe('RevokeWorkerHandler', () => {
  const setup = () => {
    const uow = new TestUnitOfWork();
    const workers = new InMemoryWorkerRepository();
    workers.seed({ id: 'w1', name: 'ws1', fingerprint: 'F1', status: 'approved' });
    const sessionRepo = new InMemorySessionRepository();
    sessionRepo.seedWorker({ id: 'w1', status: 'approved' });
    const sessions = new SessionService(sessionRepo, uow.testClock, { SCM_SESSION_IDLE_MINUTES: 15, SCM_SESSION_MAX_HOURS: 8 });
    const channel = new RecordingConnections();
    channel.online.add('w1');
    const handler = new RevokeWorkerHandler(uow, new WorkerDecisionService(workers, sessions), workers, channel);
    return { uow, workers, sessions, sessionRepo, channel, handler };
  };

  it('revokes the worker, ends its sessions, audits it, then closes its channel', async () => {
    const { uow, workers, sessions, sessionRepo, channel, handler } = setup();
    const s = await uow.run(testActor(), (tx) => sessions.create(tx, 'worker', 'w1', {}));
    uow.committed.length = 0;

    const v = await handler.execute(new RevokeWorkerCommand('w1', 'o1', testActor('o1')));

    expect(v).toMatchObject({ id: 'w1', status: 'revoked' });
    expect(workers.workers.get('w1')).toMatchObject({ status: 'revoked', decidedBy: 'o1', decidedAt: uow.testClock.now() });
    expect(sessionRepo.sessions.get(s.sessionId)!.revokedAt).toEqual(uow.testClock.now());
    expect(channel.cut).toEqual([{ workerId: 'w1', reason: 'revoked' }]);
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'worker.revoked',
        targetId: 'w1',
        outcome: 'success',
        details: { name: 'ws1', fingerprint: 'F1', previous: 'approved' },
      }),
    ]);
  });

  it('is NotFound for an unknown worker, and closes no channel', async () => {
    const { channel, handler } = setup();
    await expect(handler.execute(new RevokeWorkerCommand('w9', 'o1', testActor('o1')))).rejects.toMatchObject({
      code: WorkerErrorCode.NotFound,
    });
    expect(channel.cut).toEqual([]);
  });
});
