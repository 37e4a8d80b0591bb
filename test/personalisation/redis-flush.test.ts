import { PrivateRedis } from '@scm/test-kit';
import { cardholders, diagnose, feedCards, issueBatch, requests, type Stack, startStack, testReader, waitForRequests } from './support';

/**
 * Redis flushed in the middle of a batch (a private redis-server, workstation 3): PostgreSQL is the
 * record of pending work, so the API re-queues the card jobs of every request not yet issued, the
 * workers carry on, every request ends on exactly one card, and no card serves two requests.
 */
const BATCH = process.env.SCM_LONG_TESTS === '1' ? 8 : 4;

describe('a Redis flush in the middle of a batch', () => {
  const redis = new PrivateRedis();
  let s: Stack;

  beforeAll(async () => {
    await redis.start();
    s = await startStack([3], { apiEnv: { SCM_REDIS_URL: redis.url } });
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    await redis.stop();
  });

  it('loses no card job (they live in PostgreSQL): every request issued, each on its own card', async () => {
    const holders = await cardholders(s, BATCH);
    const b = await issueBatch(s, holders);
    await waitForRequests(s.db, b.requestIds, ['awaiting-card', 'personalising', 'verifying', 'issued'], 60_000);
    let flushed = false;
    const client = redis.client();
    try {
      const cards = await feedCards(s.db, [testReader(3, 0), testReader(3, 1)], BATCH, {
        timeoutMs: 180_000,
        diagnose: () => diagnose(s, b.requestIds),
        // Flush once some cards are issued and others are still waiting or being written.
        done: async () => {
          if (!flushed) {
            const rows = await requests(s.db, b.requestIds);
            if (rows.some((r) => r.state === 'issued') && rows.some((r) => r.state !== 'issued')) {
              await client.flushdb();
              flushed = true;
            }
          }
          return false;
        },
      });
      expect(flushed).toBe(true);
      const rows = await requests(s.db, b.requestIds);
      expect(rows.map((r) => r.state)).toEqual(rows.map(() => 'issued'));
      expect(new Set(rows.map((r) => r.serial)).size).toBe(BATCH);
      expect(new Set(cards.map((c) => c.serial))).toEqual(new Set(rows.map((r) => r.serial)));
      const perRequest = await s.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM card WHERE request_id = ANY($1::uuid[]) GROUP BY request_id`,
        [b.requestIds],
      );
      expect(perRequest.rows.map((r) => r.n)).toEqual(rows.map(() => 1));
      // Card jobs never were in Redis (the API leases them from PostgreSQL); the flushed Redis holds none.
      const pending = await s.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox WHERE done_at IS NULL AND payload->>'requestId' = ANY($1::text[])`,
        [b.requestIds],
      );
      expect(pending.rows[0].n).toBe(0);
      expect(await client.keys('*:cards:*')).toEqual([]);
    } finally {
      client.disconnect();
    }
  }, 240_000);
});
