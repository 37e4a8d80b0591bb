import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemoryWorkerRepository } from '../in-memory-worker.repository';
import { enrollmentTokenHash } from '../worker-rules';
import { CreateEnrollmentTokenCommand } from './create-enrollment-token.command';
import { CreateEnrollmentTokenHandler } from './create-enrollment-token.handler';

describe('CreateEnrollmentTokenHandler', () => {
  it('returns the token once and keeps only its hash, bound to a workstation, with an expiry', async () => {
    const uow = new TestUnitOfWork();
    const workers = new InMemoryWorkerRepository();
    const officer = testActor('o1');

    const r = await new CreateEnrollmentTokenHandler(uow, workers).execute(new CreateEnrollmentTokenCommand(2, officer, 48));

    const expiresAt = new Date(uow.testClock.now().getTime() + 48 * 3600_000);
    expect(r).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), expiresAt: expiresAt.toISOString() });
    const [t] = [...workers.tokens.values()];
    expect(t).toEqual({
      id: expect.any(String),
      tokenHash: enrollmentTokenHash(r.token),
      workstation: 2,
      createdBy: officer.actor,
      createdAt: uow.testClock.now(),
      expiresAt,
      usedAt: null,
      workerId: null,
    });
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'worker.enrollment-token-created',
        targetType: 'enrollment-token',
        targetId: t.id,
        outcome: 'success',
        details: { workstation: 2, expiresAt: expiresAt.toISOString() },
      }),
    ]);
    expect(JSON.stringify(uow.events)).not.toContain(r.token);
  });

  it('lasts 24 hours and fits any workstation by default', async () => {
    const uow = new TestUnitOfWork();
    const workers = new InMemoryWorkerRepository();
    const r = await new CreateEnrollmentTokenHandler(uow, workers).execute(new CreateEnrollmentTokenCommand(null, testActor()));
    expect(new Date(r.expiresAt).getTime() - uow.testClock.now().getTime()).toBe(24 * 3600_000);
    expect([...workers.tokens.values()][0].workstation).toBeNull();
  });
});
