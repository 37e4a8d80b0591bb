import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemorySessionRepository } from '../in-memory-session.repository';
import { SessionService } from '../session.service';
import { LogoutCommand } from './logout.command';
import { LogoutHandler } from './logout.handler';

describe('LogoutHandler', () => {
  it('revokes the caller session only, and audits it', async () => {
    const uow = new TestUnitOfWork();
    const repo = new InMemorySessionRepository();
    repo.seedUser({ id: 'u1' }, ['help-desk']);
    const sessions = new SessionService(repo, uow.testClock, { SCM_SESSION_IDLE_MINUTES: 15, SCM_SESSION_MAX_HOURS: 8 });
    const mine = await uow.run(testActor(), (tx) => sessions.create(tx, 'user', 'u1', {}));
    const other = await uow.run(testActor(), (tx) => sessions.create(tx, 'user', 'u1', {}));
    const principal = (await sessions.resolve(mine.token))!;

    await new LogoutHandler(uow, sessions).execute(new LogoutCommand(principal, testActor('u1', 'help-desk')));

    expect(await sessions.resolve(mine.token)).toBeNull();
    expect(await sessions.resolve(other.token)).not.toBeNull();
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'auth.logout',
        targetType: 'user',
        targetId: 'u1',
        outcome: 'success',
        details: { sessionId: mine.sessionId },
      }),
    ]);
  });
});
