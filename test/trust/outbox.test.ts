import { randomUUID } from 'node:crypto';
import { systemActor, UnitOfWork, OutboxRelay } from '../../apps/issuer-api/src';
import { appDb, PrivateRedis, startApi, type RunningApi } from '@scm/test-kit';

/** The transactional outbox against a real Redis of this test's own (so FLUSHALL harms nobody); no key generation runs in this API, so its jobs stay queued. */
describe('outbox: PostgreSQL is the system of record, Redis holds queues only', () => {
  const redis = new PrivateRedis();
  let api: RunningApi;

  beforeAll(async () => {
    await redis.start();
    api = await startApi({ SCM_REDIS_URL: redis.url, SCM_RECONCILE_SECONDS: '1', SCM_OUTBOX_POLL_MS: '100', SCM_KEYGEN_CONCURRENCY: '0' });
  });
  afterAll(async () => {
    await api?.close();
    await redis.stop();
  });

  const relay = () => api.app.get(OutboxRelay);
  const enqueue = (requestId: string) =>
    api.app.get(UnitOfWork).run(systemActor('test'), async (tx) => tx.enqueue('generate-keys', { requestId }));
  const jobIn = async (jobId: string) => (await relay().queue('keygen').getJob(jobId)) ?? null;
  const until = async (cond: () => Promise<boolean>, what: string, ms = 15000) => {
    const t0 = Date.now();
    while (!(await cond())) {
      if (Date.now() - t0 > ms) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('relays a committed job with a deterministic id and an ids-only payload', async () => {
    const requestId = randomUUID();
    const jobId = await enqueue(requestId);
    expect(jobId).toBe(`generate-keys|requestId=${requestId}`);
    await until(async () => (await jobIn(jobId)) !== null, 'job in Redis');
    const job = (await jobIn(jobId))!;
    expect(job.name).toBe('generate-keys');
    expect(job.data).toEqual({ requestId });
    const db = await appDb();
    try {
      const row = (await db.query('SELECT relayed_at, done_at FROM outbox WHERE job_id = $1', [jobId])).rows[0];
      expect(row.relayed_at).not.toBeNull();
      expect(row.done_at).toBeNull();
    } finally {
      await db.end();
    }
  });

  it('refuses a payload that is not ids, before anything is written', async () => {
    await expect(
      api.app.get(UnitOfWork).run(systemActor('test'), async (tx) => tx.enqueue('generate-keys', { requestId: 'PIN 123456 and more' })),
    ).rejects.toThrow(/must be an id/);
  });

  it('re-queues pending work from PostgreSQL after FLUSHALL, without duplicates', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const jobIds: string[] = [];
    for (const id of ids) jobIds.push(await enqueue(id));
    await until(async () => (await Promise.all(jobIds.map(jobIn))).every(Boolean), 'jobs relayed');
    const c = redis.client();
    try {
      await c.flushall();
      expect(await jobIn(jobIds[0])).toBeNull();
      await until(async () => (await Promise.all(jobIds.map(jobIn))).every(Boolean), 'jobs re-queued after FLUSHALL');
      const waiting = await relay().queue('keygen').getJobs(['waiting', 'delayed', 'paused', 'prioritized']);
      for (const j of jobIds) expect(waiting.filter((w) => w.id === j)).toHaveLength(1);
    } finally {
      c.disconnect();
    }
  });

  it('keeps work committed while Redis is down and relays it when Redis is back', async () => {
    await redis.stop();
    const jobId = await enqueue(randomUUID());
    await new Promise((r) => setTimeout(r, 500));
    const db = await appDb();
    try {
      expect((await db.query('SELECT relayed_at FROM outbox WHERE job_id = $1', [jobId])).rows[0].relayed_at).toBeNull();
      await redis.start();
      await until(async () => (await jobIn(jobId)) !== null, 'job relayed after Redis came back', 30000);
      // The relay adds the job to Redis first, then marks the row relayed: the mark follows shortly.
      await until(
        async () => (await db.query('SELECT relayed_at FROM outbox WHERE job_id = $1', [jobId])).rows[0].relayed_at !== null,
        'outbox row marked relayed',
        10000,
      );
    } finally {
      await db.end();
    }
  });

  it('does not re-queue work that is done', async () => {
    const jobId = await enqueue(randomUUID());
    await until(async () => (await jobIn(jobId)) !== null, 'relayed');
    const db = await appDb();
    try {
      await db.query('UPDATE outbox SET done_at = now() WHERE job_id = $1', [jobId]);
    } finally {
      await db.end();
    }
    const c = redis.client();
    await c.flushall();
    c.disconnect();
    await relay().reconcile();
    expect(await jobIn(jobId)).toBeNull();
  });
});
