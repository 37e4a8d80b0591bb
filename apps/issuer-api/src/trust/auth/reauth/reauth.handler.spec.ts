import { hashPassword } from '@scm/common';
import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemoryUserRepository } from '../../users/in-memory-user.repository';
import { AuthErrorCode } from '../auth-errors';
import { InMemorySessionRepository } from '../in-memory-session.repository';
import { LoginThrottleService } from '../login-throttle.service';
import type { Principal } from '../principal';
import { SessionService } from '../session.service';
import { ReauthCommand } from './reauth.command';
import { ReauthHandler } from './reauth.handler';

const PASSWORD = 'correct horse battery staple';

describe('ReauthHandler', () => {
  const setup = async (disabled = false) => {
    const uow = new TestUnitOfWork();
    const users = new InMemoryUserRepository();
    users.seed({ id: 'u1', username: 'hd', passwordHash: await hashPassword(PASSWORD), disabled }, ['help-desk']);
    const repo = new InMemorySessionRepository();
    repo.seedUser({ id: 'u1', username: 'hd' }, ['help-desk']);
    const sessions = new SessionService(repo, uow.testClock, { SCM_SESSION_IDLE_MINUTES: 15, SCM_SESSION_MAX_HOURS: 8 });
    const s = await uow.run(testActor(), (tx) => sessions.create(tx, 'user', 'u1', {}));
    const principal = (await sessions.resolve(s.token)) as Extract<Principal, { kind: 'user' }>;
    uow.committed.length = 0;
    uow.testClock.advance(10 * 60_000);
    const throttle = new LoginThrottleService(repo, {
      SCM_LOGIN_MAX_FAILURES: 3,
      SCM_LOGIN_MAX_FAILURES_PER_ADDRESS: 100,
      SCM_LOGIN_LOCK_MINUTES: 15,
    });
    const handler = new ReauthHandler(uow, sessions, users, throttle);
    const reauth = (password: string) => handler.execute(new ReauthCommand(principal, password, testActor('u1', 'help-desk')));
    return { uow, repo, sessions, s, reauth };
  };

  it('records the confirmation on the session, so sensitive actions count from now', async () => {
    const { uow, repo, sessions, s, reauth } = await setup();
    await expect(reauth(PASSWORD)).resolves.toEqual({ reauthenticatedAt: uow.testClock.now().toISOString() });
    expect(repo.sessions.get(s.sessionId)!.reauthenticatedAt).toEqual(uow.testClock.now());
    expect(await sessions.resolve(s.token)).toMatchObject({ authenticatedAt: uow.testClock.now() });
    expect(uow.events).toEqual([
      expect.objectContaining({ action: 'auth.reauth', targetId: 'u1', outcome: 'success', details: { sessionId: s.sessionId } }),
    ]);
  });

  it('refuses a wrong password and audits the failure, leaving the session as it was', async () => {
    const { uow, repo, s, reauth } = await setup();
    await expect(reauth('not my password')).rejects.toMatchObject({ code: AuthErrorCode.InvalidCredentials });
    expect(repo.sessions.get(s.sessionId)!.reauthenticatedAt).toBeNull();
    expect(uow.events).toEqual([
      expect.objectContaining({ action: 'auth.reauth', outcome: 'failure', details: { reason: 'invalid-credentials', lockedUntil: null } }),
    ]);
  });

  it('refuses a disabled account even with the right password', async () => {
    const { reauth } = await setup(true);
    await expect(reauth(PASSWORD)).rejects.toMatchObject({ code: AuthErrorCode.InvalidCredentials });
  });

  it('counts wrong passwords towards the log-in lockout: once locked, even the right password is refused', async () => {
    const { uow, reauth } = await setup();
    for (let i = 0; i < 3; i++) await expect(reauth('wrong')).rejects.toMatchObject({ code: AuthErrorCode.InvalidCredentials });
    await expect(reauth(PASSWORD)).rejects.toMatchObject({ code: AuthErrorCode.Locked });
    expect(uow.events.at(-1)).toMatchObject({
      action: 'auth.reauth',
      outcome: 'denied',
      details: { reason: 'locked', refusal: AuthErrorCode.Locked },
    });
  });
});
