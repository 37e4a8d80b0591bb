import { hashPassword, verifyPassword } from '@scm/common';
import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { AuthErrorCode } from '../../auth/auth-errors';
import { InMemorySessionRepository } from '../../auth/in-memory-session.repository';
import { LoginThrottleService } from '../../auth/login-throttle.service';
import { SessionService } from '../../auth/session.service';
import { InMemoryUserRepository } from '../in-memory-user.repository';
import { UserErrorCode } from '../user-errors';
import { ChangePasswordCommand } from './change-password.command';
import { ChangePasswordHandler } from './change-password.handler';

const OLD = 'correct horse battery staple';
const NEW = 'a different long passphrase';

describe('ChangePasswordHandler', () => {
  let oldHash: string;
  beforeAll(async () => {
    oldHash = await hashPassword(OLD);
  });

  const setup = () => {
    const uow = new TestUnitOfWork();
    const users = new InMemoryUserRepository();
    users.seed({ id: 'u1', username: 'hd', passwordHash: oldHash });
    const repo = new InMemorySessionRepository();
    repo.seedUser({ id: 'u1', username: 'hd' }, ['help-desk']);
    const sessions = new SessionService(repo, uow.testClock, { SCM_SESSION_IDLE_MINUTES: 15, SCM_SESSION_MAX_HOURS: 8 });
    const throttle = new LoginThrottleService(repo, {
      SCM_LOGIN_MAX_FAILURES: 3,
      SCM_LOGIN_MAX_FAILURES_PER_ADDRESS: 100,
      SCM_LOGIN_LOCK_MINUTES: 15,
    });
    const handler = new ChangePasswordHandler(uow, users, throttle, sessions);
    const change = (current: string, next: string, sessionId?: string) =>
      handler.execute(new ChangePasswordCommand('u1', current, next, testActor('u1', 'help-desk'), sessionId));
    return { uow, users, sessions, change };
  };

  it('replaces the hash when the current password is proved', async () => {
    const { uow, users, change } = setup();
    uow.testClock.advance(3600_000);
    await change(OLD, NEW);
    const u = users.users.get('u1')!;
    expect(await verifyPassword(u.passwordHash, NEW)).toBe(true);
    expect(u.passwordChangedAt).toEqual(uow.testClock.now());
    expect(uow.events).toEqual([
      expect.objectContaining({ action: 'user.password-changed', targetId: 'u1', outcome: 'success', details: { otherSessionsEnded: 0 } }),
    ]);
  });

  it('refuses a wrong current password (audited as a failure) and a weak new one', async () => {
    const { uow, users, change } = setup();
    await expect(change('not my password', NEW)).rejects.toMatchObject({ code: UserErrorCode.WrongPassword });
    await expect(change(OLD, 'my name is hd ok')).rejects.toMatchObject({
      code: UserErrorCode.WeakPassword,
      message: 'the new password must not contain the username',
    });
    expect(users.users.get('u1')!.passwordHash).toBe(oldHash);
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'user.password-changed',
        outcome: 'failure',
        details: { reason: 'wrong-password', lockedUntil: null },
      }),
    ]);
  });

  it('ends every other session of the user; the one the change is made in stays open', async () => {
    const { uow, sessions, change } = setup();
    const here = await uow.run(testActor('u1'), (tx) => sessions.create(tx, 'user', 'u1', {}));
    const stolen = await uow.run(testActor('u1'), (tx) => sessions.create(tx, 'user', 'u1', {}));
    await change(OLD, NEW, here.sessionId);
    expect(await sessions.resolve(here.token)).not.toBeNull();
    expect(await sessions.resolve(stolen.token)).toBeNull();
    expect(uow.events.at(-1)).toMatchObject({ outcome: 'success', details: { otherSessionsEnded: 1 } });
  });

  it('counts wrong current passwords towards the log-in lockout', async () => {
    const { change } = setup();
    for (let i = 0; i < 3; i++) await expect(change('wrong', NEW)).rejects.toMatchObject({ code: UserErrorCode.WrongPassword });
    await expect(change(OLD, NEW)).rejects.toMatchObject({ code: AuthErrorCode.Locked });
  });
});
