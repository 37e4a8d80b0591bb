import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemorySessionRepository } from '../../auth/in-memory-session.repository';
import { SessionService } from '../../auth/session.service';
import { InMemoryUserRepository } from '../in-memory-user.repository';
import { UserErrorCode } from '../user-errors';
import { DisableUserCommand } from './disable-user.command';
import { DisableUserHandler } from './disable-user.handler';

describe('DisableUserHandler', () => {
  it('disables the account and ends every session of it at once', async () => {
    const uow = new TestUnitOfWork();
    const users = new InMemoryUserRepository();
    users.seed({ id: 'u1', username: 'hd' }, ['help-desk']);
    const repo = new InMemorySessionRepository();
    repo.seedUser({ id: 'u1', username: 'hd' }, ['help-desk']);
    const sessions = new SessionService(repo, uow.testClock, { SCM_SESSION_IDLE_MINUTES: 15, SCM_SESSION_MAX_HOURS: 8 });
    const a = await uow.run(testActor(), (tx) => sessions.create(tx, 'user', 'u1', {}));
    await uow.run(testActor(), (tx) => sessions.create(tx, 'user', 'u1', {}));
    const handler = new DisableUserHandler(uow, sessions, users);

    await handler.execute(new DisableUserCommand('u1', testActor('ad', 'admin')));

    expect(users.users.get('u1')!.disabled).toBe(true);
    expect([...repo.sessions.values()].every((s) => s.revokedAt)).toBe(true);
    expect(await sessions.resolve(a.token)).toBeNull();
    expect(uow.events).toEqual([
      expect.objectContaining({ action: 'user.disabled', targetId: 'u1', outcome: 'success', details: { sessionsEnded: 2 } }),
    ]);
    await expect(handler.execute(new DisableUserCommand('nobody', testActor('ad', 'admin')))).rejects.toMatchObject({
      code: UserErrorCode.NotFound,
    });
  });
});
