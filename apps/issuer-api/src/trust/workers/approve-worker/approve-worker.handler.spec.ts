import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemorySessionRepository } from '../../auth/in-memory-session.repository';
import { SessionService } from '../../auth/session.service';
import type { CardWorker } from '../worker.repository';
import { InMemoryWorkerRepository } from '../in-memory-worker.repository';
import { WorkerDecisionService } from '../worker-decision.service';
import { WorkerErrorCode } from '../worker-errors';
import { ApproveWorkerCommand } from './approve-worker.command';
import { ApproveWorkerHandler } from './approve-worker.handler';

const FP = '0A1B-2C3D-4E5F-6071-8293-A4B5-C6D7-E8F9-0A1B-2C3D-4E5F-6071-8293-A4B5-C6D7-E8F9';

describe('ApproveWorkerHandler', () => {
  const setup = (status: CardWorker['status'] = 'pending') => {
    const uow = new TestUnitOfWork();
    const workers = new InMemoryWorkerRepository();
    workers.seed({ id: 'w1', name: 'ws1', fingerprint: FP, status });
    const sessions = new SessionService(new InMemorySessionRepository(), uow.testClock, {
      SCM_SESSION_IDLE_MINUTES: 15,
      SCM_SESSION_MAX_HOURS: 8,
    });
    const handler = new ApproveWorkerHandler(uow, new WorkerDecisionService(workers, sessions), workers, {});
    const approve = (fingerprint: string, id = 'w1') => handler.execute(new ApproveWorkerCommand(id, fingerprint, 'o1', testActor('o1')));
    return { uow, workers, approve };
  };

  it('approves against the registered fingerprint as read at the worker (case and dashes aside)', async () => {
    const { uow, workers, approve } = setup();
    const v = await approve(FP.replace(/-/g, '').toLowerCase());
    expect(v).toMatchObject({ id: 'w1', status: 'approved', decidedAt: uow.testClock.now().toISOString() });
    expect(workers.workers.get('w1')).toMatchObject({ status: 'approved', decidedBy: 'o1' });
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'worker.approved',
        targetId: 'w1',
        outcome: 'success',
        details: { name: 'ws1', fingerprint: FP, previous: 'pending' },
      }),
    ]);
  });

  it('refuses another fingerprint and audits the mismatch', async () => {
    const { uow, workers, approve } = setup();
    await expect(approve('AB'.repeat(32))).rejects.toMatchObject({ code: WorkerErrorCode.FingerprintMismatch });
    expect(workers.workers.get('w1')!.status).toBe('pending');
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'worker.approved',
        targetId: 'w1',
        outcome: 'denied',
        details: { reason: 'fingerprint-mismatch' },
      }),
    ]);
  });

  it('keeps a revoked worker revoked, and is NotFound for an unknown one', async () => {
    const { uow, workers, approve } = setup('revoked');
    await expect(approve(FP)).rejects.toMatchObject({ code: WorkerErrorCode.Revoked });
    expect(workers.workers.get('w1')!.status).toBe('revoked');
    await expect(approve(FP, 'w9')).rejects.toMatchObject({ code: WorkerErrorCode.NotFound });
    expect(uow.events).toEqual([]);
  });

  it('separation of duties: the officer who made the enrolment token does not approve the worker; another officer does', async () => {
    const { uow, workers, approve } = setup();
    workers.tokens.set('t1', {
      id: 't1',
      tokenHash: Buffer.alloc(32),
      workstation: 1,
      createdBy: testActor('o1').actor,
      createdAt: uow.testClock.now(),
      expiresAt: uow.testClock.now(),
      usedAt: uow.testClock.now(),
      workerId: 'w1',
    });
    await expect(approve(FP)).rejects.toMatchObject({ code: WorkerErrorCode.ApproverMadeToken });
    expect(workers.workers.get('w1')!.status).toBe('pending');
    expect(uow.events.at(-1)).toMatchObject({
      action: 'worker.approved',
      outcome: 'denied',
      details: { reason: 'approver-made-token', refusal: WorkerErrorCode.ApproverMadeToken },
    });
    workers.tokens.set('t1', { ...workers.tokens.get('t1')!, createdBy: testActor('o2').actor });
    await expect(approve(FP)).resolves.toMatchObject({ status: 'approved' });
  });
});
