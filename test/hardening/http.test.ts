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
    const db = await appDb();
    await db.query(`DELETE FROM login_throttle WHERE key LIKE 'addr:%'`);
    await db.end();
    api = await startApi({ SCM_LOGIN_MAX_FAILURES_PER_ADDRESS: '4', SCM_LOGIN_MAX_FAILURES: '100' });
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await call<{ code: string }>(api.url, 'POST', '/api/v1/auth/login', undefined, {
        username: `someone-${i}-${Date.now()}`,
        password: 'wrong password',
      });
      codes.push(r.body.code);
    }
    expect(codes.slice(0, 4)).toEqual(Array(4).fill('auth.invalid-credentials'));
    expect(codes[5]).toBe('auth.locked');
  });
});
