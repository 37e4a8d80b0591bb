import { appDb, call, startApi, type RunningApi } from '@scm/test-kit';

describe('HTTP hardening', () => {
  let api: RunningApi;
  afterEach(async () => {
    await api?.close();
  });

  it('sets security headers, no framework banner, and keeps CORS off by default', async () => {
    api = await startApi();
    const res = await fetch(`${api.url}/health`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows only the configured origins when CORS is configured', async () => {
    api = await startApi({ SCM_CORS_ORIGINS: 'https://console.example' });
    const ok = await fetch(`${api.url}/health`, { headers: { origin: 'https://console.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://console.example');
    const other = await fetch(`${api.url}/health`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a body over the limit with 413 and a problem body', async () => {
    api = await startApi({ SCM_BODY_LIMIT: '10kb' });
    const res = await call<{ status: number; code: string }>(api.url, 'POST', '/api/v1/auth/login', undefined, {
      username: 'x',
      password: 'y'.repeat(20_000),
    });
    expect(res.status).toBe(413);
    expect(res.body.status).toBe(413);
  });

  it('rate-limits login per address with 429 and Retry-After', async () => {
    api = await startApi({ SCM_RATE_LIMIT_LOGIN_PER_MINUTE: '6' });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${api.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `nobody-${i}-${Date.now()}`, password: 'wrong password' }),
      });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // other routes are not affected by the login bucket
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
  });

  it('locks an address after many failed logins across accounts', async () => {
    // Behind a trusted proxy the client address comes from X-Forwarded-For: an address of this test's own.
    api = await startApi({ SCM_LOGIN_MAX_FAILURES_PER_ADDRESS: '4', SCM_LOGIN_MAX_FAILURES: '100', SCM_TRUST_PROXY: 'loopback' });
    const address = `203.0.113.${(process.pid % 250) + 1}`;
    const attempt = async (from: string, i: number) => {
      const res = await fetch(`${api.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ username: `someone-${i}-${Date.now()}`, password: 'wrong password' }),
      });
      return ((await res.json()) as { code: string }).code;
    };
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(await attempt(address, i));
    expect(codes.slice(0, 4)).toEqual(Array(4).fill('auth.invalid-credentials'));
    expect(codes[5]).toBe('auth.locked');
    // another address is not affected
    expect(await attempt('198.51.100.9', 99)).toBe('auth.invalid-credentials');
    const c = await appDb();
    const rows = await c.query(`SELECT key FROM login_throttle WHERE key LIKE 'addr:%' AND locked_until > now()`);
    await c.end();
    expect(rows.rows.map((r) => r.key)).toEqual([`addr:${address}`]);
  });
});

describe('re-authentication before sensitive actions', () => {
  it('refuses a revocation on an old session until the password is confirmed, and audits the confirmation', async () => {
    const { createTestUser, loginAs, uniqueName, appDb: db } = await import('@scm/test-kit');
    const api = await startApi({ SCM_REAUTH_MINUTES: '5' });
    try {
      const u = uniqueName('hd');
      await createTestUser(u, ['help-desk']);
      const token = await loginAs(api.url, u);
      const c = await db();
      await c.query(
        `UPDATE session SET created_at = now() - interval '10 minutes' WHERE principal_id = (SELECT id FROM app_user WHERE username = $1)`,
        [u],
      );
      const path = '/api/v1/certificates/00/revoke';
      const before = await call<{ code: string }>(api.url, 'POST', path, token, { reason: 'keyCompromise' });
      expect([before.status, before.body.code]).toEqual([403, 'auth.reauth-required']);
      const wrong = await call<{ code: string }>(api.url, 'POST', '/api/v1/auth/reauth', token, { password: 'not my password' });
      expect([wrong.status, wrong.body.code]).toEqual([401, 'auth.invalid-credentials']);
      const ok = await call(api.url, 'POST', '/api/v1/auth/reauth', token, { password: (await import('@scm/test-kit')).TEST_PASSWORD });
      expect(ok.status).toBe(200);
      const after = await call<{ code: string }>(api.url, 'POST', path, token, { reason: 'keyCompromise' });
      // past the guard now: the serial does not exist
      expect(after.body.code).not.toBe('auth.reauth-required');
      expect(after.status).toBe(404);
      const audit = await c.query(`SELECT outcome FROM audit_event WHERE action = 'auth.reauth' AND actor_name = $1 ORDER BY entry`, [u]);
      expect(audit.rows.map((r) => r.outcome)).toEqual(['failure', 'success']);
      await c.end();
    } finally {
      await api.close();
    }
  });
});
