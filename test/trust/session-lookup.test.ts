import { randomBytes, randomUUID } from 'node:crypto';
import { CardWorkerEntity, createDataSource, SessionEntity, UserEntity } from '@scm/db';
import { createTestUser, testEnv, uniqueName } from '@scm/test-kit';
import type { DataSource } from 'typeorm';
import { PgSessionRepository } from '../../apps/issuer-api/src';

/**
 * The session lookup every authenticated call makes is one statement mapped by hand. It must give
 * exactly what TypeORM's entities give for the same rows (a column mapped to the wrong field, or
 * one left out, shows here), the account's active roles only, and nothing for a session that is
 * revoked or expired.
 */
describe('PgSessionRepository.findLive on PostgreSQL', () => {
  let ds: DataSource;
  let repo: PgSessionRepository;
  const now = new Date();
  const later = (ms: number) => new Date(now.getTime() + ms);

  async function session(kind: 'user' | 'worker', principalId: string, over: Partial<SessionEntity> = {}): Promise<SessionEntity> {
    const s: SessionEntity = {
      id: randomUUID(),
      tokenHash: randomBytes(32),
      principalKind: kind,
      principalId,
      createdAt: later(-60_000),
      lastSeenAt: later(-1_000),
      idleExpiresAt: later(600_000),
      expiresAt: later(3_600_000),
      revokedAt: null,
      address: '192.0.2.7',
      userAgent: 'session-lookup-test',
      reauthenticatedAt: later(-30_000),
      ...over,
    };
    await ds.manager.insert(SessionEntity, s);
    return s;
  }

  beforeAll(async () => {
    ds = createDataSource(testEnv.SCM_DATABASE_URL, 2);
    await ds.initialize();
    repo = new PgSessionRepository(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
  });

  it("maps a user's session and account as the entities do, with the active roles in order", async () => {
    const userId = await createTestUser(uniqueName('lookup'), ['help-desk', 'auditor']);
    await ds.query(`INSERT INTO user_role (id, user_id, role, status, requested_at) VALUES ($1, $2, 'admin', 'pending', now())`, [
      randomUUID(),
      userId,
    ]);
    await ds.query(`UPDATE app_user SET must_change_password = true WHERE id = $1`, [userId]);
    const s = await session('user', userId);

    const live = await repo.findLive(s.tokenHash, now);
    expect(live?.session).toEqual(await ds.manager.findOneByOrFail(SessionEntity, { id: s.id }));
    expect(live?.holder).toEqual({
      kind: 'user',
      user: await ds.manager.findOneByOrFail(UserEntity, { id: userId }),
      roles: ['auditor', 'help-desk'],
    });
    expect(live?.holder).toHaveProperty('user.mustChangePassword', true);
    // The password hash never leaves the database on this path.
    expect(live?.holder).not.toHaveProperty('user.passwordHash');
  });

  it("maps a worker's session and worker as the entities do", async () => {
    const officer = await createTestUser(uniqueName('lookup-officer'), ['security-officer']);
    const worker: CardWorkerEntity = {
      id: randomUUID(),
      name: 'lookup ws9',
      host: 'lookup-host',
      workstation: 9,
      signKey: randomBytes(91),
      kexKey: randomBytes(44),
      fingerprint: randomBytes(16).toString('hex'),
      status: 'approved',
      suspendedReason: null,
      registeredAt: later(-120_000),
      decidedBy: officer,
      decidedAt: later(-90_000),
      lastSeenAt: later(-5_000),
    };
    await ds.manager.insert(CardWorkerEntity, worker);
    const s = await session('worker', worker.id, { address: null, userAgent: null, reauthenticatedAt: null });

    const live = await repo.findLive(s.tokenHash, now);
    expect(live?.session).toEqual(await ds.manager.findOneByOrFail(SessionEntity, { id: s.id }));
    expect(live?.holder).toEqual({ kind: 'worker', worker: await ds.manager.findOneByOrFail(CardWorkerEntity, { id: worker.id }) });
  });

  it('finds nothing for a revoked, expired or idle-expired session, or an unknown token', async () => {
    const userId = await createTestUser(uniqueName('lookup-dead'), ['auditor']);
    const revoked = await session('user', userId, { revokedAt: later(-1) });
    const expired = await session('user', userId, { expiresAt: now });
    const idle = await session('user', userId, { idleExpiresAt: later(-1) });
    for (const s of [revoked, expired, idle]) expect(await repo.findLive(s.tokenHash, now)).toBeUndefined();
    expect(await repo.findLive(randomBytes(32), now)).toBeUndefined();
    // The same rows are live at an earlier instant, except the revoked one.
    expect(await repo.findLive(expired.tokenHash, later(-2))).toBeDefined();
    expect(await repo.findLive(idle.tokenHash, later(-2))).toBeDefined();
    expect(await repo.findLive(revoked.tokenHash, later(-2))).toBeUndefined();
  });
});
