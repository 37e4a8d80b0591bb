import { call, createTestUser, loginAs, startApi, TEST_PASSWORD, uniqueName, type RunningApi, appDb } from '@scm/test-kit';

describe('identity: login, sessions, lockout (real PostgreSQL)', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ SCM_LOGIN_MAX_FAILURES: '3', SCM_SESSION_IDLE_MINUTES: '15' });
  });
  afterAll(() => api.close());

  const login = (username: string, password: string) =>
    call<{ token?: string; code?: string; detail?: string; user?: { roles: string[] } }>(api.url, 'POST', '/api/v1/auth/login', undefined, {
      username,
      password,
    });

  it('logs in with the right password and returns a session token with an expiry', async () => {
    const u = uniqueName('officer');
    await createTestUser(u, ['security-officer']);
    const r = await login(u, TEST_PASSWORD);
    expect(r.status).toBe(200);
    expect(r.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.body.user?.roles).toEqual(['security-officer']);
    const me = await call<{ username: string; roles: string[] }>(api.url, 'GET', '/api/v1/auth/me', r.body.token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: u, roles: ['security-officer'] });
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const u = uniqueName('hd');
    await createTestUser(u, ['help-desk']);
    const wrong = await login(u, 'not the password at all');
    const unknown = await login(uniqueName('nobody'), 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.code).toBe('auth.invalid-credentials');
    expect(unknown.body).toMatchObject({ code: wrong.body.code, detail: wrong.body.detail });
  });

  it('locks an account after repeated failures, even for the right password, and audits it', async () => {
    const u = uniqueName('locked');
    await createTestUser(u, ['auditor']);
    for (let i = 0; i < 3; i++) expect((await login(u, `wrong-${i}-password`)).status).toBe(401);
    const r = await login(u, TEST_PASSWORD);
    expect(r.status).toBe(423);
    expect(r.body.code).toBe('auth.locked');
    const db = await appDb();
    try {
      const rows = await db.query(
        `SELECT outcome, details->>'reason' AS reason FROM audit_event WHERE action = 'auth.login' AND details->>'username' = $1 ORDER BY entry`,
        [u],
      );
      expect(rows.rows.map((x) => `${x.outcome}:${x.reason}`)).toEqual([
        'failure:invalid-credentials',
        'failure:invalid-credentials',
        'failure:invalid-credentials',
        'denied:locked',
      ]);
    } finally {
      await db.end();
    }
  });

  it('locks unknown usernames the same way, so lockout reveals nothing', async () => {
    const u = uniqueName('ghost');
    for (let i = 0; i < 3; i++) await login(u, `wrong-${i}-password`);
    expect((await login(u, 'whatever-password')).status).toBe(423);
  });

  it('ends a session at logout, and refuses revoked or garbage tokens', async () => {
    const u = uniqueName('bye');
    await createTestUser(u, ['help-desk']);
    const token = await loginAs(api.url, u);
    expect((await call(api.url, 'POST', '/api/v1/auth/logout', token)).status).toBe(204);
    const after = await call<{ code: string }>(api.url, 'GET', '/api/v1/auth/me', token);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('auth.unauthenticated');
    expect((await call(api.url, 'GET', '/api/v1/auth/me', 'garbage-token')).status).toBe(401);
  });

  it('ends sessions that were idle too long or passed their absolute lifetime', async () => {
    const u = uniqueName('idle');
    await createTestUser(u, ['help-desk']);
    const t1 = await loginAs(api.url, u);
    const t2 = await loginAs(api.url, u);
    const db = await appDb();
    try {
      const sessions = await db.query(
        `SELECT s.id FROM session s JOIN app_user u ON u.id = s.principal_id WHERE u.username = $1 ORDER BY s.created_at`,
        [u],
      );
      await db.query(`UPDATE session SET idle_expires_at = now() - interval '1 second' WHERE id = $1`, [sessions.rows[0].id]);
      await db.query(`UPDATE session SET expires_at = now() - interval '1 second' WHERE id = $1`, [sessions.rows[1].id]);
    } finally {
      await db.end();
    }
    expect((await call(api.url, 'GET', '/api/v1/auth/me', t1)).status).toBe(401);
    expect((await call(api.url, 'GET', '/api/v1/auth/me', t2)).status).toBe(401);
  });

  it('stores no password and no token in clear', async () => {
    const u = uniqueName('hyg');
    await createTestUser(u, ['help-desk']);
    const token = await loginAs(api.url, u);
    const db = await appDb();
    try {
      const dump = JSON.stringify(
        (await db.query(`SELECT * FROM app_user u JOIN session s ON s.principal_id = u.id WHERE u.username = $1`, [u])).rows,
      );
      expect(dump).not.toContain(TEST_PASSWORD);
      expect(dump).not.toContain(token);
      expect(dump).toMatch(/\$argon2id\$v=19\$m=65536,t=3,p=1\$/);
      const audit = JSON.stringify((await db.query(`SELECT * FROM audit_event`)).rows);
      expect(audit).not.toContain(TEST_PASSWORD);
      expect(audit).not.toContain(token);
    } finally {
      await db.end();
    }
  });
});
