import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemoryWorkerRepository } from '../in-memory-worker.repository';
import { WorkerErrorCode } from '../worker-errors';
import { IssueChallengeCommand } from './issue-challenge.command';
import { IssueChallengeHandler } from './issue-challenge.handler';

describe('IssueChallengeHandler', () => {
  it('stores a random 32-byte nonce for the worker, valid 60 s, and drops expired ones', async () => {
    const uow = new TestUnitOfWork();
    const workers = new InMemoryWorkerRepository();
    workers.seed({ id: 'w1' });
    workers.challenges.push({ nonce: Buffer.alloc(32, 9), workerId: 'w1', expiresAt: new Date(uow.testClock.now().getTime() - 1) });
    const handler = new IssueChallengeHandler(uow, workers);

    const a = await handler.execute(new IssueChallengeCommand('w1', testActor()));
    const b = await handler.execute(new IssueChallengeCommand('w1', testActor()));

    expect(a.nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(b.nonce).not.toBe(a.nonce);
    expect(workers.challenges.map((c) => [c.nonce.toString('hex'), c.workerId, c.expiresAt])).toEqual([
      [a.nonce, 'w1', new Date(uow.testClock.now().getTime() + 60_000)],
      [b.nonce, 'w1', new Date(uow.testClock.now().getTime() + 60_000)],
    ]);
    expect(uow.events).toEqual([]);
  });

  it('is NotFound for an unknown worker', async () => {
    const uow = new TestUnitOfWork();
    const workers = new InMemoryWorkerRepository();
    await expect(new IssueChallengeHandler(uow, workers).execute(new IssueChallengeCommand('nope', testActor()))).rejects.toMatchObject({
      code: WorkerErrorCode.NotFound,
    });
    expect(workers.challenges).toEqual([]);
  });
});
