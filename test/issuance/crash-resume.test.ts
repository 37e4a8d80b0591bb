import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { Client } from 'pg';
import { appDb, call, startApi, testEnv, type RunningApi } from '@scm/test-kit';
import { GenerateKeysService } from '../../apps/issuer-api/src';
import { cardholders, officer, people, waitFor, type Officer } from './support';
import { freePort } from '@scm/common';

const ROOT = join(__dirname, '..', '..');

/**
 * Invariant 1 and 7 under a crash: the API process that generated and escrowed a request's keys
 * dies (SIGKILL) after the escrow commit and before the card job is queued. Another API process
 * re-queues the pending key-generation job from PostgreSQL (Redis lost it too) and resumes at
 * "escrowed": the request reaches awaiting-card with its one VSC, and the card job is queued once.
 */
describe('a crash between the escrow commit and the card job', () => {
  let front: RunningApi;
  let off: Officer;
  let victim: ChildProcess | undefined;
  let blocker: Client | undefined;
  let successor: RunningApi | undefined;

  beforeAll(async () => {
    front = await startApi({ SCM_KEYGEN_CONCURRENCY: '0' });
    off = await officer(front);
  });
  afterAll(async () => {
    victim?.kill('SIGKILL');
    await blocker?.query('ROLLBACK').catch(() => undefined);
    await blocker?.end();
    await successor?.close();
    await front.close();
    off.cleanup();
  });

  it('resumes from PostgreSQL without a second VSC, and the request waits for a card', async () => {
    const [holder] = await cardholders(front, off.token, people(1));
    const created = await call<{ id: string }>(front.url, 'POST', '/api/v1/issuance-requests', off.token, { cardholder: holder });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const keygenJob = `generate-keys|requestId=${id}`;

    // Hold the key-generation job's outbox row in an open transaction (once relayed): the keygen
    // process blocks on it right after the escrow commit, inside the transaction that moves the
    // request to awaiting-card and settles the job.
    blocker = await appDb();
    await waitFor('the key-generation job relayed', async () => {
      const r = await blocker!.query(`SELECT relayed_at FROM outbox WHERE job_id = $1`, [keygenJob]);
      return r.rows[0]?.relayed_at ? true : undefined;
    });
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM outbox WHERE job_id = $1 FOR UPDATE`, [keygenJob]);

    victim = spawn(process.execPath, [join(ROOT, 'dist/apps/issuer-api/src/main.js')], {
      env: { ...process.env, ...testEnv, SCM_HTTP_PORT: String(await freePort()), SCM_LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
    const db = await appDb();
    try {
      await waitFor('the request escrowed and its next step blocked', async () => {
        const r = await db.query(
          `SELECT (SELECT state FROM issuance_request WHERE id = $1) AS state,
                  (SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE "outbox"%') AS waiting`,
          [id],
        );
        return r.rows[0].state === 'escrowed' && r.rows[0].waiting > 0 ? true : undefined;
      });
      victim.kill('SIGKILL');
      await new Promise((r) => victim!.once('exit', r));
      await blocker.query('ROLLBACK');

      const before = await db.query(
        `SELECT s.id, v.version, v.sha256 FROM vsc s JOIN vsc_version v ON v.vsc_id = s.id WHERE s.request_id = $1`,
        [id],
      );
      expect(before.rowCount).toBe(1);
      const pending = await db.query(`SELECT done_at FROM outbox WHERE job_id = $1`, [keygenJob]);
      expect(pending.rows[0].done_at).toBeNull();

      // Redis is lost as well: only PostgreSQL knows what is pending.
      const redis = new Redis(testEnv.SCM_REDIS_URL);
      await redis.flushdb();
      redis.disconnect();

      successor = await startApi();
      await waitFor('awaiting-card', async () => {
        const r = await db.query(`SELECT state FROM issuance_request WHERE id = $1`, [id]);
        return r.rows[0].state === 'awaiting-card' ? true : undefined;
      });

      const after = await db.query(
        `SELECT s.id, v.version, v.sha256 FROM vsc s JOIN vsc_version v ON v.vsc_id = s.id WHERE s.request_id = $1`,
        [id],
      );
      expect(after.rows).toEqual(before.rows);
      const certs = await db.query(`SELECT count(*)::int AS n FROM ca_certificate WHERE reference->>'requestId' = $1`, [id]);
      expect(certs.rows[0].n).toBe(1);
      const history = await db.query(`SELECT from_state, to_state, actor FROM issuance_request_event WHERE request_id = $1 ORDER BY id`, [
        id,
      ]);
      expect(history.rows.map((h: { to_state: string }) => h.to_state)).toEqual([
        'requested',
        'keys-generated',
        'escrowed',
        'awaiting-card',
      ]);
      // The card job is the request's state in PostgreSQL (the API leases it to a worker): nothing for it in Redis.
      expect((await db.query(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'requestId' = $1`, [id])).rows[0].n).toBe(1);
      const done = await db.query(`SELECT done_at FROM outbox WHERE job_id = $1`, [keygenJob]);
      expect(done.rows[0].done_at).not.toBeNull();
      // The audit chain still verifies end to end after the crash.
      // (No checkpoint is signed yet in a test this short: the chain itself must be unbroken.)
      const verify = await call<{ broken: unknown; events: number }>(
        successor.url,
        'GET',
        '/api/v1/audit/verify',
        (await officer(successor, ['auditor'])).token,
      );
      expect(verify.body.broken).toBeNull();
      expect(verify.body.events).toBeGreaterThan(5);
    } finally {
      await db.end();
      // Its key generation must not race the next test's.
      await successor?.close();
      successor = undefined;
    }
  });

  it('makes one VSC when the same key-generation job runs twice at once (a redelivered job)', async () => {
    const [holder] = await cardholders(front, off.token, people(1));
    const id = (
      await call<{ id: string }>(front.url, 'POST', '/api/v1/issuance-requests', off.token, { cardholder: holder, profile: 'seed' })
    ).body.id;
    // The front API runs no key generation: both runs are ours, racing through every step.
    const keygen = front.app.get(GenerateKeysService);
    const job = `generate-keys|requestId=${id}`;
    const outcomes = await Promise.all([keygen.run(id, job), keygen.run(id, job)]);
    expect(outcomes.sort()).toEqual(['generated', 'superseded']);
    const db = await appDb();
    try {
      expect((await db.query(`SELECT state FROM issuance_request WHERE id = $1`, [id])).rows[0].state).toBe('awaiting-card');
      expect((await db.query(`SELECT count(*)::int AS n FROM vsc WHERE request_id = $1`, [id])).rows[0].n).toBe(1);
      // The loser's certificates were never stored: they were part of its rolled-back transaction.
      expect((await db.query(`SELECT count(*)::int AS n FROM ca_certificate WHERE reference->>'requestId' = $1`, [id])).rows[0].n).toBe(4);
      expect((await db.query(`SELECT count(*)::int AS n FROM issuance_request_event WHERE request_id = $1`, [id])).rows[0].n).toBe(4);
    } finally {
      await db.end();
    }
    // A third delivery after the fact does nothing.
    expect(await keygen.run(id, job)).toBe('nothing-to-do');
  });
});
