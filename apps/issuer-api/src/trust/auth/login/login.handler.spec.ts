import { hashPassword } from '@scm/common';
import { TestUnitOfWork } from '../../../platform/testing/test-unit-of-work';
import { InMemoryUserRepository } from '../../users/in-memory-user.repository';
import { AuthErrorCode } from '../auth-errors';
import { InMemorySessionRepository } from '../in-memory-session.repository';
import { LoginThrottleService } from '../login-throttle.service';
import type { Actor } from '../principal';
import { SessionService, tokenHash } from '../session.service';
import { LoginCommand } from './login.command';
import { LoginHandler } from './login.handler';

const PASSWORD = 'correct horse battery staple';
const USER = '00000000-0000-4000-8000-00000000a001';
const anonymous: Actor = { actor: 'anonymous', actorName: null, role: null, requestId: 'req-1', address: '10.0.0.7' };
const cfg = {
  SCM_SESSION_IDLE_MINUTES: 15,
  SCM_SESSION_MAX_HOURS: 8,
  SCM_LOGIN_MAX_FAILURES: 3,
  SCM_LOGIN_MAX_FAILURES_PER_ADDRESS: 5,
  SCM_LOGIN_LOCK_MINUTES: 15,
};

describe('LoginHandler', () => {
  let hash: string;
  beforeAll(async () => {
    hash = await hashPassword(PASSWORD);
  });

  const setup = () => {
    const uow = new TestUnitOfWork();
    const users = new InMemoryUserRepository();
    users.seed({ id: USER, username: 'olga', displayName: 'Olga Petrova', passwordHash: hash }, ['security-officer', 'auditor']);
    const sessions = new InMemorySessionRepository();
    const handler = new LoginHandler(uow, new SessionService(sessions, uow.testClock, cfg), new LoginThrottleService(sessions, cfg), users);
    const login = (username: string, password: string, actor = anonymous) =>
      handler.execute(new LoginCommand(username, password, actor, 'jest'));
    return { uow, users, sessions, login };
  };

  it('opens a session for the right password (username in any case) and audits it as the user', async () => {
    const { uow, sessions, login } = setup();
    sessions.throttle.set('user:olga', { key: 'user:olga', failures: 2, windowStart: uow.testClock.now(), lockedUntil: null });
    const r = await login('  Olga ', PASSWORD);
    expect(r.user).toEqual({ id: USER, username: 'olga', displayName: 'Olga Petrova', roles: ['auditor', 'security-officer'] });
    const [s] = [...sessions.sessions.values()];
    expect(s.tokenHash.equals(tokenHash(r.token))).toBe(true);
    expect(s).toMatchObject({ principalKind: 'user', principalId: USER, address: '10.0.0.7', userAgent: 'jest' });
    expect(r.expiresAt).toBe(s.expiresAt.toISOString());
    expect(sessions.throttle.has('user:olga')).toBe(false);
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'auth.login',
        actor: `user:${USER}`,
        actorName: 'olga',
        targetId: USER,
        outcome: 'success',
        details: { username: 'olga', sessionId: s.id },
      }),
    ]);
  });

  it('answers a wrong password and an unknown user alike, and audits both as failures', async () => {
    const { uow, sessions, login } = setup();
    await expect(login('olga', 'not the password')).rejects.toMatchObject({
      code: AuthErrorCode.InvalidCredentials,
      message: 'wrong username or password',
    });
    await expect(login('ghost', 'not the password')).rejects.toMatchObject({
      code: AuthErrorCode.InvalidCredentials,
      message: 'wrong username or password',
    });
    expect(sessions.sessions.size).toBe(0);
    expect(uow.events.map((e) => [e.targetId, e.outcome, e.details])).toEqual([
      [USER, 'failure', { username: 'olga', reason: 'invalid-credentials', lockedUntil: null }],
      ['ghost', 'failure', { username: 'ghost', reason: 'invalid-credentials', lockedUntil: null }],
    ]);
  });

  it('locks the account after repeated failures, even against the right password, until the lock ends', async () => {
    const { uow, login } = setup();
    for (let i = 0; i < 3; i++) await expect(login('olga', `wrong-${i}`, { ...anonymous, address: null })).rejects.toBeDefined();
    const until = new Date(uow.testClock.now().getTime() + 15 * 60_000).toISOString();
    expect(uow.events[2].details).toMatchObject({ lockedUntil: until });
    await expect(login('olga', PASSWORD)).rejects.toMatchObject({ code: AuthErrorCode.Locked, meta: { retryAfter: until } });
    expect(uow.events[3]).toMatchObject({
      action: 'auth.login',
      targetId: 'olga',
      outcome: 'denied',
      details: { username: 'olga', reason: 'locked' },
    });
    uow.testClock.advance(15 * 60_000 + 1);
    await expect(login('olga', PASSWORD)).resolves.toMatchObject({ user: { id: USER } });
  });

  it('locks an address after failures across accounts, leaving other addresses alone', async () => {
    const { login } = setup();
    for (let i = 0; i < 5; i++)
      await expect(login(`someone-${i}`, 'wrong password')).rejects.toMatchObject({ code: AuthErrorCode.InvalidCredentials });
    await expect(login('olga', PASSWORD)).rejects.toMatchObject({ code: AuthErrorCode.Locked });
    await expect(login('olga', PASSWORD, { ...anonymous, address: '10.0.0.8' })).resolves.toMatchObject({ user: { id: USER } });
  });

  it('refuses a disabled account with the right password, and audits the denial', async () => {
    const { uow, users, sessions, login } = setup();
    users.users.set(USER, { ...users.users.get(USER)!, disabled: true });
    await expect(login('olga', PASSWORD)).rejects.toMatchObject({ code: AuthErrorCode.AccountDisabled });
    expect(sessions.sessions.size).toBe(0);
    expect(uow.committed[0].events).toEqual([
      expect.objectContaining({ targetId: USER, outcome: 'denied', details: { username: 'olga', reason: 'disabled' } }),
    ]);
  });
});
