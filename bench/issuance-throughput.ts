/**
 * Issuance throughput on the real stack, in a database of the benchmark's own (scm_bench_issuance,
 * recreated), with the configured HSM token. `npm run bench issuance`.
 *
 *  1. Accepted by the API: POST /api/v1/issuance-requests (request row, history, audit event and
 *     outbox row in one commit) at 1, 4 and 16 concurrent clients — requests/s, p50/p99 latency —
 *     and POST /api/v1/issuance-batches with 1000 requests per call.
 *  2. Generated: bare node:crypto key generation (P-256, RSA-2048) beside the whole keygen step of
 *     a request (keys on a new VSC, certificates from the HSM CA, signed CHUID and Security
 *     Object, seal, escrow commit with its read-back check, card job queued) for one-slot profiles
 *     of each algorithm and for the default and seed profiles; with the event loop's worst delay.
 *
 * The CA keys are throw-away labels in the token (removed at the end); the VSC keys
 * (scm-vsc-kek/1, scm-recovery/1) must exist: `scm vsc init-keys`, or point SCM_PKCS11_TOKEN_LABEL
 * and SCM_STATE_DIR at a test token. BENCH_SECONDS sets the time per accept cell (default 4);
 * BENCH_DB the database (default scm_bench_issuance); BENCH_ISSUANCE_KEYGEN=0 stops after the
 * accept cells. The accept load comes from a worker thread (bench/_load.ts), and two anchors are
 * measured at 16 clients in the same run: a bare express app answering the same POST, and bare
 * PostgreSQL transactions of the writes an accepted request makes.
 */
import 'reflect-metadata';
import { generateKeyPair, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '@scm/common';
import { createDataSource } from '@scm/db';
import { finalizePkcs11Modules } from '@scm/hsm';
import { loadFromThread, pct } from './_load';
import { summaryRow, table } from './_support';
import { BENCH_PASSWORD, BENCH_REDIS_PREFIX, BENCH_USER, benchIssuer } from './_issuer-setup';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { createApiApp, loadApiConfig } from '../apps/issuer-api/src';

const PREFIX = BENCH_REDIS_PREFIX;
const REDIS_DB = process.env.BENCH_REDIS_DB ?? '14';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

const genKeyPair = promisify(generateKeyPair);

async function post(url: string, token: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Inserts n sponsored cardholders straight into the database (fixtures, not what is measured). */
async function makeCardholders(ds: DataSource, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  for (let i = 0; i < n; i += 10_000) {
    const chunk = ids.slice(i, i + 10_000);
    await ds.query(
      // Sponsored by a second officer (separation of duties), as an approved sponsorship leaves them.
      `INSERT INTO cardholder (id, name, email, upn, created_at, updated_at, sponsored_by, sponsored_at)
       SELECT id, 'Bench ' || id, id || '@example.org', id || '@corp.example', now(), now(), 'user:00000000-0000-4000-8000-00000000beef', now()
         FROM unnest($1::uuid[]) AS t(id)`,
      [chunk],
    );
  }
  return ids;
}

/**
 * The anchors at 16 clients, measured in the same run: a bare express app answering a POST (same
 * load thread, same JSON body; no Nest, no database) and bare PostgreSQL transactions of what an
 * accepted request writes (a session lookup and four inserts), without the API.
 */
async function measureAnchors(ds: DataSource): Promise<{ express: number; pg: number }> {
  const app = express();
  app.use(express.json());
  app.post('/hello', (req, res) => {
    res.status(201).json({ id: randomUUID(), cardholder: (req.body as { cardholder?: string }).cardholder });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const bodies = Array.from({ length: SECONDS * 40_000 }, () => JSON.stringify({ cardholder: randomUUID() }));
  const r = await loadFromThread({
    url: `http://127.0.0.1:${port}/hello`,
    token: 'none',
    clients: 16,
    seconds: SECONDS,
    bodies,
    status: 201,
  });
  await new Promise((res) => server.close(() => res(undefined)));
  const profile = ((await ds.query(`SELECT id FROM card_profile WHERE id = 'default'`)) as Array<{ id: string }>)[0]?.id ?? 'default';
  const holder = ((await ds.query(`SELECT id FROM cardholder LIMIT 1`)) as Array<{ id: string }>)[0].id;
  let n = 0;
  const end = Date.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (Date.now() < end) {
        const id = randomUUID();
        await ds.transaction(async (em) => {
          await em.query(`SELECT id FROM session WHERE token_hash = $1 AND revoked_at IS NULL`, [Buffer.alloc(32)]);
          await em.query(
            `INSERT INTO bench_anchor (id, cardholder_id, profile_id, state, created_at) VALUES ($1, $2, $3, 'requested', now())`,
            [id, holder, profile],
          );
          await em.query(`INSERT INTO bench_anchor_event (request_id, to_state, at) VALUES ($1, 'requested', now())`, [id]);
          await em.query(`INSERT INTO outbox (queue, job_name, job_id, payload, created_at) VALUES ('bench', 'bench', $1, $2, now())`, [
            `bench|${id}`,
            JSON.stringify({ requestId: id }),
          ]);
          await em.query(
            `INSERT INTO bench_anchor_audit (id, at, actor, action, details) VALUES ($1, now(), 'system:bench', 'bench.anchor', '{}')`,
            [id],
          );
        });
        n++;
      }
    }),
  );
  return { express: r.lat.length / r.secs, pg: n / ((performance.now() - t0) / 1000) };
}

async function main(): Promise<void> {
  const { ownerUrl, base, cfg: cfg0, ds, hsm, caKeys } = await benchIssuer(process.env.BENCH_DB ?? 'scm_bench_issuance', REDIS_DB);
  const redis = new Redis(cfg0.SCM_REDIS_URL, { maxRetriesPerRequest: null });
  try {
    // One-slot profiles isolate the cost of one key and one certificate per algorithm.
    for (const alg of ['p256', 'rsa2048']) {
      const def = {
        slots: { '9a': { algorithm: alg, template: 'piv-authentication', escrow: 'escrow' } },
        pin: { minLength: 6, maxLength: 8, tries: 3 },
        puk: { length: 8, tries: 3 },
        managementKey: { algorithm: 'aes192' },
        validityDays: 365,
      };
      await createDataSource(ownerUrl, 1)
        .initialize()
        .then(async (o) => {
          await o.query(`INSERT INTO card_profile (id, description, definition, created_at) VALUES ($1, 'bench', $2, now())`, [
            `bench-${alg}`,
            JSON.stringify(def),
          ]);
          await o.destroy();
        });
    }
    const holders = await makeCardholders(ds, 100_000);
    await createDataSource(ownerUrl, 1)
      .initialize()
      .then(async (o) => {
        await o.query(
          `CREATE TABLE bench_anchor (id uuid PRIMARY KEY, cardholder_id uuid NOT NULL, profile_id text NOT NULL, state text NOT NULL, created_at timestamptz NOT NULL)`,
        );
        await o.query(
          `CREATE TABLE bench_anchor_event (id bigserial PRIMARY KEY, request_id uuid NOT NULL, to_state text NOT NULL, at timestamptz NOT NULL)`,
        );
        await o.query(
          `CREATE TABLE bench_anchor_audit (id uuid PRIMARY KEY, at timestamptz NOT NULL, actor text NOT NULL, action text NOT NULL, details jsonb NOT NULL)`,
        );
        await o.query(`GRANT SELECT, INSERT ON bench_anchor, bench_anchor_event, bench_anchor_audit TO scm_app`);
        await o.query(`GRANT USAGE ON SEQUENCE bench_anchor_event_id_seq TO scm_app`);
        await o.destroy();
      });
    let next = 0;
    const holder = () => holders[next++];

    // ---------------------------------------------------------------- 1. accepted by the API
    const limits = { SCM_RATE_LIMIT_PER_MINUTE: '1000000', SCM_DATABASE_POOL: '20' };
    const accept = await createApiApp(
      loadApiConfig({ ...base, ...limits, SCM_KEYGEN_CONCURRENCY: '0' }),
      createLogger({ name: 'bench', level: 'error' }),
    );
    await accept.app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(accept.app.getHttpServer().address() as AddressInfo).port}`;
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: BENCH_USER, password: BENCH_PASSWORD }),
    });
    const token = ((await login.json()) as { token: string }).token;
    const acceptRows: string[][] = [];
    let single16: { perSec: number; p99: number } | undefined;
    for (const clients of [1, 4, 16]) {
      const bodies = holders.slice(next, next + SECONDS * 4000).map((cardholder) => JSON.stringify({ cardholder }));
      const r = await loadFromThread({ url: `${url}/api/v1/issuance-requests`, token, clients, seconds: SECONDS, bodies, status: 201 });
      next += r.lat.length;
      acceptRows.push([
        `single request`,
        String(clients),
        (r.lat.length / r.secs).toFixed(0),
        pct(r.lat, 0.5).toFixed(1),
        pct(r.lat, 0.99).toFixed(1),
        String(r.lat.length),
      ]);
      if (clients === 16) single16 = { perSec: r.lat.length / r.secs, p99: pct(r.lat, 0.99) };
    }
    const anchors = await measureAnchors(ds);
    {
      const lat: number[] = [];
      const t0 = performance.now();
      for (let b = 0; b < 5; b++) {
        const s = performance.now();
        const r = await post(`${url}/api/v1/issuance-batches`, token, {
          requests: Array.from({ length: 1000 }, () => ({ cardholder: holder() })),
        });
        if (r.status !== 201) throw new Error(`batch: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
        lat.push(performance.now() - s);
      }
      const secs = (performance.now() - t0) / 1000;
      lat.sort((a, b) => a - b);
      acceptRows.push([
        'batch of 1000 per call',
        '1',
        ((lat.length * 1000) / secs).toFixed(0),
        pct(lat, 0.5).toFixed(1),
        pct(lat, 0.99).toFixed(1),
        String(lat.length * 1000),
      ]);
    }
    await accept.app.close();
    console.log(
      `PostgreSQL ${process.env.BENCH_DB ?? 'scm_bench_issuance'}; HSM token ${cfg0.SCM_PKCS11_TOKEN_LABEL} (CA P-384, content signer P-256); ${SECONDS} s per accept cell; load from a thread of its own\n`,
    );
    console.log('Accepted by the API (request + history + audit + outbox in one commit; no key generation running)');
    console.log(table(['call', 'clients', 'requests/s', 'p50 ms', 'p99 ms', 'requests'], acceptRows));
    console.log(
      `anchors at 16 clients: bare express answering the same POST ${anchors.express.toFixed(0)} req/s; bare PostgreSQL transactions of the same writes ${anchors.pg.toFixed(0)} tx/s`,
    );
    summaryRow({
      what: 'Issuance API, single requests, 16 clients',
      scm: Math.round(single16!.perSec),
      unit: 'req/s',
      anchor: { name: 'bare PostgreSQL transactions of the same writes', value: Math.round(anchors.pg) },
      target: '≥ 1,500 req/s',
      higherIsBetter: true,
    });
    summaryRow({
      what: 'Issuance API, single requests, 16 clients, p99',
      scm: Number(single16!.p99.toFixed(1)),
      unit: 'ms',
      target: '≤ 25 ms',
      higherIsBetter: false,
    });
    summaryRow({
      what: 'Bare express POST, 16 clients (HTTP ceiling of the same load)',
      scm: Math.round(anchors.express),
      unit: 'req/s',
      higherIsBetter: true,
    });
    // BENCH_ISSUANCE_KEYGEN=0: the accept cells only.
    if (process.env.BENCH_ISSUANCE_KEYGEN === '0') return;
    // Nobody generates keys for these: settle them so the keygen run below sees only its own work.
    await ds.query(`UPDATE issuance_request SET state = 'cancelled' WHERE state = 'requested'`);
    await ds.query(`UPDATE outbox SET done_at = now() WHERE done_at IS NULL`);
    await new Queue('keygen', { connection: redis, prefix: PREFIX }).obliterate({ force: true });

    // ---------------------------------------------------------------- 2. generated
    const genRows: string[][] = [];
    for (const [alg, n] of [
      ['P-256', 400],
      ['RSA-2048', 40],
    ] as const) {
      for (const concurrency of [1, 4]) {
        // The same event-loop probe as below: what the machine's load alone costs the loop.
        const loop = monitorEventLoopDelay({ resolution: 5 });
        loop.enable();
        const t0 = performance.now();
        let done = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (done < n) {
              done++;
              await (alg === 'P-256' ? genKeyPair('ec', { namedCurve: 'P-256' }) : genKeyPair('rsa', { modulusLength: 2048 }));
            }
          }),
        );
        genRows.push([
          `bare key generation ${alg}`,
          String(concurrency),
          '1',
          (n / ((performance.now() - t0) / 1000)).toFixed(1),
          '-',
          (loop.percentile(99) / 1e6).toFixed(0),
          (loop.max / 1e6).toFixed(0),
        ]);
        loop.disable();
      }
    }
    const keygenConcurrency = Number(process.env.BENCH_KEYGEN_CONCURRENCY ?? 4);
    const gen = await createApiApp(
      loadApiConfig({ ...base, ...limits, SCM_KEYGEN_CONCURRENCY: String(keygenConcurrency), SCM_OUTBOX_POLL_MS: '50' }),
      createLogger({ name: 'bench', level: 'error' }),
    );
    await gen.app.listen(0, '127.0.0.1');
    const gurl = `http://127.0.0.1:${(gen.app.getHttpServer().address() as AddressInfo).port}`;
    const gtoken = (
      (await (
        await fetch(`${gurl}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: BENCH_USER, password: BENCH_PASSWORD }),
        })
      ).json()) as {
        token: string;
      }
    ).token;
    for (const [profile, n, keys, label] of [
      ['bench-p256', 200, 1, 'request, 1 key P-256 + cert'],
      ['bench-rsa2048', 40, 1, 'request, 1 key RSA-2048 + cert'],
      ['default', 40, 1, 'request, default profile (9D RSA-2048; 9A/9C/9E on card)'],
      ['seed', 20, 4, 'request, seed profile (2 RSA-2048 + 2 P-256, 4 certs)'],
    ] as const) {
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const t0 = performance.now();
      const r = await post(`${gurl}/api/v1/issuance-batches`, gtoken, {
        profile,
        requests: Array.from({ length: n }, () => ({ cardholder: holder() })),
      });
      if (r.status !== 201) throw new Error(`batch: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
      const batchId = r.json.batchId as string;
      for (;;) {
        const c = (await ds.query(
          `SELECT count(*) FILTER (WHERE state = 'awaiting-card')::int AS ok, count(*) FILTER (WHERE state = 'failed')::int AS failed FROM issuance_request WHERE batch_id = $1`,
          [batchId],
        )) as Array<{
          ok: number;
          failed: number;
        }>;
        if (c[0].failed) throw new Error(`${c[0].failed} requests of ${profile} failed`);
        if (c[0].ok === n) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      const secs = (performance.now() - t0) / 1000;
      loop.disable();
      genRows.push([
        label,
        String(keygenConcurrency),
        String(keys),
        ((n * keys) / secs).toFixed(1),
        (n / secs).toFixed(1),
        (loop.percentile(99) / 1e6).toFixed(0),
        (loop.max / 1e6).toFixed(0),
      ]);
    }
    await gen.app.close();

    console.log(
      "\nKeys and certificates generated (concurrent jobs; loop delay = the event loop's delay during the run, machine load included)",
    );
    console.log(
      `load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} on ${cpus().length} cores`,
    );
    console.log(table(['work', 'concurrency', 'keys/request', 'keys/s', 'requests/s', 'loop delay p99 ms', 'loop delay max ms'], genRows));
  } finally {
    await new Queue('keygen', { connection: redis, prefix: PREFIX }).obliterate({ force: true }).catch(() => undefined);
    await new Queue('cards', { connection: redis, prefix: PREFIX }).obliterate({ force: true }).catch(() => undefined);
    redis.disconnect();
    for (const k of caKeys) await hsm.destroyKey(k).catch(() => undefined);
    hsm.close();
    await ds.destroy();
    finalizePkcs11Modules();
  }
}

main().catch((e: unknown) => {
  console.error(`bench issuance: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
