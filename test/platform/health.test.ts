import { startApi, TcpProxy, type RunningApi } from '@scm/test-kit';
import { testEnv } from '@scm/test-kit';

/** Health turns red when PostgreSQL or Redis goes away, and green again when they return. */
describe('GET /health on the real services', () => {
  const pg = new TcpProxy(5432);
  const redis = new TcpProxy(6379);
  let api: RunningApi;

  beforeAll(async () => {
    const pgPort = await pg.up();
    const redisPort = await redis.up();
    const db = new URL(testEnv.SCM_DATABASE_URL).pathname;
    const rdb = new URL(testEnv.SCM_REDIS_URL).pathname;
    api = await startApi({
      SCM_DATABASE_URL: `postgres://scm_app@127.0.0.1:${pgPort}${db}`,
      SCM_REDIS_URL: `redis://127.0.0.1:${redisPort}${rdb}`,
    });
  });
  afterAll(async () => {
    await api?.close();
    await pg.down();
    await redis.down();
  });

  const health = async () => {
    const res = await fetch(`${api.url}/health`);
    return {
      status: res.status,
      body: (await res.json()) as { status: string; checks: Record<string, { status: string; error?: string }> },
    };
  };

  it('is green with PostgreSQL, Redis and the HSM up', async () => {
    const h = await health();
    expect(h.status).toBe(200);
    expect(h.body.status).toBe('ok');
    expect(h.body.checks.database.status).toBe('up');
    expect(h.body.checks.redis.status).toBe('up');
    expect(h.body.checks.hsm.status).toBe('up');
  });

  it('turns red when PostgreSQL is down, and green when it is back', async () => {
    await pg.down();
    const h = await health();
    expect(h.status).toBe(503);
    expect(h.body.checks.database.status).toBe('down');
    expect(h.body.checks.redis.status).toBe('up');
    await pg.up();
    await waitFor(async () => (await health()).status === 200);
  });

  it('turns red when Redis is down, and green when it is back', async () => {
    await redis.down();
    const h = await health();
    expect(h.status).toBe(503);
    expect(h.body.checks.redis.status).toBe('down');
    expect(h.body.checks.database.status).toBe('up');
    await redis.up();
    await waitFor(async () => (await health()).status === 200);
  });
});

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 15000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not met in time');
}
