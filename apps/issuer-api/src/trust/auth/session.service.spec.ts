import { TestClock, TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { InMemorySessionRepository } from './in-memory-session.repository';
import { SessionService, tokenHash } from './session.service';

const cfg = { SCM_SESSION_IDLE_MINUTES: 15, SCM_SESSION_MAX_HOURS: 8 };
const USER = '00000000-0000-4000-8000-00000000a001';

function setup() {
  const clock = new TestClock();
  const uow = new TestUnitOfWork(clock);
  const repo = new InMemorySessionRepository();
  repo.seedUser({ id: USER, username: 'olga' }, ['security-officer']);
  return { clock, uow, repo, sessions: new SessionService(repo, clock, cfg) };
}

describe('SessionService', () => {
  it('hands out a random token and keeps only its hash, with idle and absolute expiry', async () => {
    const { uow, repo, sessions } = setup();
    const s = await uow.run(testActor(), (tx) => sessions.create(tx, 'user', USER, { address: '10.0.0.9', userAgent: 'x'.repeat(300) }));
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = repo.sessions.get(s.sessionId)!;
    expect(row.tokenHash.equals(tokenHash(s.token))).toBe(true);
    expect(JSON.stringify(row)).not.toContain(s.token);
    expect(row).toMatchObject({ principalKind: 'user', principalId: USER, address: '10.0.0.9' });
    expect(row.userAgent).toHaveLength(200);
    expect(s.idleExpiresAt.getTime() - uow.testClock.now().getTime()).toBe(15 * 60_000);
    expect(s.expiresAt.getTime() - uow.testClock.now().getTime()).toBe(8 * 3600_000);
  });

  it('resolves the token to its user until it idles out, sliding the idle expiry while in use', async () => {
    const { clock, uow, repo, sessions } = setup();
    const s = await uow.run(testActor(), (tx) => sessions.create(tx, 'user', USER, {}));
    expect(await sessions.resolve(s.token)).toMatchObject({ kind: 'user', id: USER, username: 'olga', roles: ['security-officer'] });
    clock.advance(10 * 60_000);
    await sessions.resolve(s.token);
    expect(repo.sessions.get(s.sessionId)!.idleExpiresAt).toEqual(new Date(clock.now().getTime() + 15 * 60_000));
    clock.advance(14 * 60_000);
    expect(await sessions.resolve(s.token)).not.toBeNull();
    clock.advance(16 * 60_000);
    expect(await sessions.resolve(s.token)).toBeNull();
    expect(await sessions.resolve('not-a-token')).toBeNull();
  });

  it('ends one session, or all of a principal, and records a re-authentication', async () => {
    const { clock, uow, repo, sessions } = setup();
    const a = await uow.run(testActor(), (tx) => sessions.create(tx, 'user', USER, {}));
    const b = await uow.run(testActor(), (tx) => sessions.create(tx, 'user', USER, {}));
    clock.advance(60_000);
    await uow.run(testActor(), (tx) => sessions.markReauthenticated(tx, a.sessionId));
    expect((await sessions.resolve(a.token)) as { authenticatedAt: Date }).toMatchObject({ authenticatedAt: clock.now() });
    await uow.run(testActor(), (tx) => sessions.revoke(tx, a.sessionId));
    expect(await sessions.resolve(a.token)).toBeNull();
    expect(await sessions.resolve(b.token)).not.toBeNull();
    expect(await uow.run(testActor(), (tx) => sessions.revokeAllOf(tx, 'user', USER))).toBe(1);
    expect(await sessions.resolve(b.token)).toBeNull();
    expect(repo.sessions.get(b.sessionId)!.revokedAt).toEqual(clock.now());
  });

  it('gives a worker nothing once it is no longer approved', async () => {
    const { uow, repo, sessions } = setup();
    repo.seedWorker({ id: 'w1', status: 'approved', workstation: 3 });
    const s = await uow.run(testActor(), (tx) => sessions.create(tx, 'worker', 'w1', {}));
    expect(await sessions.resolve(s.token)).toMatchObject({ kind: 'worker', id: 'w1', workstation: 3 });
    repo.seedWorker({ id: 'w1', status: 'revoked' });
    expect(await sessions.resolve(s.token)).toBeNull();
  });
});
