/**
 * Audit chain throughput and verification on the real PostgreSQL, in a database of the
 * benchmark's own (BENCH_DB, default scm_bench_audit, recreated). `npm run bench audit`.
 *
 *   bare insert          the same event row, one per transaction, into a plain table with the
 *                        event table's own indexes but no chain (the anchor: PostgreSQL alone)
 *   audit append         one event per transaction as the unit of work commits it: inserted
 *                        unchained, then the sequencer woken; the time includes the sequencer
 *                        catching up at the end, so per second counts events chained
 *   audit append x10     ten events per transaction, the same way
 *   two sequencers       16 clients split over two connection pools with a sequencer each, as
 *                        two API processes on one database
 *   request+outbox       what a command commits: a request row, an outbox row and its audit event
 *
 * Each at 1, 4 and 16 concurrent clients (BENCH_SECONDS each, default 4); events per second and
 * the latency of the commit. Then a chain of BENCH_VERIFY_EVENTS (default 1,000,000) events,
 * checkpointed, is verified end to end as `scm audit verify` does (streamed reads, every hash).
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import {
  AuditSequencer,
  appendAudit,
  type AuditEventInput,
  type AuditRecord,
  chainEvents,
  checkpointMessage,
  GENESIS_HASH,
  insertCheckpoint,
  verifyStoredChain,
} from '@scm/audit';
import { createDataSource, provisionDatabase } from '@scm/db';
import type { DataSource } from 'typeorm';
import { runBench, summaryRow, table } from './_support';

const ADMIN = process.env.SCM_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = process.env.BENCH_DB ?? 'scm_bench_audit';
const OWNER = `postgres://scm_owner@127.0.0.1:5432/${DB}`;
const APP = `postgres://scm_app@127.0.0.1:5432/${DB}`;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const VERIFY_EVENTS = Number(process.env.BENCH_VERIFY_EVENTS ?? 1_000_000);

type Row = { name: string; clients: number; perSec: number; p50: number; p99: number; n: number };

/** Calls fn from `clients` loops for SECONDS, then `drain` (the sequencer catching up) inside the measured time. */
async function run(
  name: string,
  clients: number,
  unit: number,
  fn: (client: number) => Promise<void>,
  drain?: () => Promise<unknown>,
): Promise<Row> {
  const lat: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (Date.now() < end) {
        const s = process.hrtime.bigint();
        await fn(c);
        lat.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
    }),
  );
  await drain?.();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  lat.sort((a, b) => a - b);
  return {
    name,
    clients,
    perSec: (lat.length * unit) / secs,
    p50: lat[Math.floor(lat.length / 2)],
    p99: lat[Math.floor(lat.length * 0.99)],
    n: lat.length * unit,
  };
}

const event = (i: number): AuditEventInput => ({
  actor: 'user:00000000-0000-4000-8000-0000000000a1',
  actorName: 'bench',
  role: 'security-officer',
  action: 'issuance-request.requested',
  targetType: 'issuance-request',
  targetId: randomUUID(),
  outcome: 'success',
  requestId: `req-${i}`,
  details: { cardholder: randomUUID(), profile: 'default', i },
});

const sequencerOf = (ds: DataSource) => new AuditSequencer((fn) => ds.transaction((em) => fn(em)));

/** Writes a chain of n events straight into the table, chained already (fixture, not measured). */
async function fillChain(ds: DataSource, n: number): Promise<AuditRecord> {
  const head = (await ds.query(
    `SELECT seq, encode(hash, 'hex') AS hash FROM audit_event WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`,
  )) as Array<{
    seq: string;
    hash: string;
  }>;
  let from = head.length ? { seq: Number(head[0].seq), hash: head[0].hash } : { seq: 0, hash: GENESIS_HASH };
  let last: AuditRecord | undefined;
  const at = new Date('2026-12-01T00:00:00.000Z');
  for (let done = 0; done < n;) {
    const k = Math.min(10_000, n - done);
    const recs = chainEvents(
      from,
      Array.from({ length: k }, (_, j) => event(done + j)),
      at,
      randomUUID,
    );
    const col = <K extends keyof AuditRecord>(key: K) => recs.map((r) => r[key]);
    await ds.query(
      `INSERT INTO audit_event (seq, id, at, actor, actor_name, role, action, target_type, target_id, outcome, request_id, details, prev_hash, hash)
       SELECT seq, id, at, actor, actor_name, role, action, target_type, target_id, outcome, request_id, details, decode(prev, 'hex'), decode(h, 'hex')
         FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::jsonb[], $13::text[], $14::text[])
           AS t(seq, id, at, actor, actor_name, role, action, target_type, target_id, outcome, request_id, details, prev, h)`,
      [
        col('seq'),
        col('id'),
        col('at'),
        col('actor'),
        col('actorName'),
        col('role'),
        col('action'),
        col('targetType'),
        col('targetId'),
        col('outcome'),
        col('requestId'),
        recs.map((r) => JSON.stringify(r.details)),
        col('prevHash'),
        col('hash'),
      ],
    );
    last = recs[recs.length - 1];
    from = { seq: last.seq, hash: last.hash };
    done += k;
  }
  return last!;
}

async function main(): Promise<void> {
  await provisionDatabase({ adminUrl: ADMIN, ownerUrl: OWNER, recreate: true });
  const owner = createDataSource(OWNER, 2);
  await owner.initialize();
  // The anchor: the same rows, the event table's indexes, no chain.
  await owner.query(`
    CREATE TABLE bench_event (
      id uuid PRIMARY KEY, at timestamptz NOT NULL, actor text NOT NULL, actor_name text, role text, action text NOT NULL,
      target_type text, target_id text, outcome text NOT NULL, request_id text, details jsonb NOT NULL)`);
  await owner.query(`CREATE INDEX bench_event_at ON bench_event (at)`);
  await owner.query(`CREATE INDEX bench_event_action ON bench_event (action, at)`);
  await owner.query(`CREATE TABLE bench_row (id uuid PRIMARY KEY, at timestamptz NOT NULL, payload jsonb NOT NULL)`);
  await owner.query(`GRANT SELECT, INSERT ON bench_event, bench_row TO scm_app`);
  await owner.destroy();
  const ds = createDataSource(APP, 20);
  await ds.initialize();
  // A second pool and sequencer: a second API process on the same database.
  const ds2 = createDataSource(APP, 10);
  await ds2.initialize();
  const seq1 = sequencerOf(ds);
  const seq2 = sequencerOf(ds2);
  let i = 0;
  const rows: Row[] = [];
  const plainInsert = (e: AuditEventInput) =>
    ds.transaction(async (em) => {
      await em.query(
        `INSERT INTO bench_event (id, at, actor, actor_name, role, action, target_type, target_id, outcome, request_id, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          randomUUID(),
          new Date(),
          e.actor,
          e.actorName,
          e.role,
          e.action,
          e.targetType,
          e.targetId,
          e.outcome,
          e.requestId,
          JSON.stringify(e.details),
        ],
      );
    });
  const append = async (db: DataSource, s: AuditSequencer, events: AuditEventInput[]) => {
    await db.transaction((em) => appendAudit(em, events, new Date()));
    s.kick();
  };
  const drain = () => Promise.all([seq1.settle(), seq2.settle()]);
  for (const clients of [1, 4, 16]) {
    rows.push(await run('bare insert, same row (no chain)', clients, 1, () => plainInsert(event(++i))));
    rows.push(await run('audit append, 1 event/tx', clients, 1, () => append(ds, seq1, [event(++i)]), drain));
    rows.push(
      await run(
        'audit append, 10 events/tx',
        clients,
        10,
        () =>
          append(
            ds,
            seq1,
            Array.from({ length: 10 }, () => event(++i)),
          ),
        drain,
      ),
    );
    if (clients === 16)
      rows.push(
        await run(
          'audit append, 2 sequencers',
          clients,
          1,
          (c) => (c % 2 ? append(ds2, seq2, [event(++i)]) : append(ds, seq1, [event(++i)])),
          drain,
        ),
      );
    rows.push(
      await run(
        'request + outbox + audit',
        clients,
        1,
        async () => {
          const id = randomUUID();
          await ds.transaction(async (em) => {
            await em.query(`INSERT INTO bench_row (id, at, payload) VALUES ($1, now(), '{"state":"requested"}')`, [id]);
            await em.query(
              `INSERT INTO outbox (queue, job_name, job_id, payload, created_at) VALUES ('keygen', 'generate-keys', $1, $2, now())`,
              [`generate-keys|requestId=${id}`, JSON.stringify({ requestId: id })],
            );
            await appendAudit(em, [{ ...event(++i), targetId: id }], new Date());
          });
          seq1.kick();
        },
        drain,
      ),
    );
  }
  const unchained = (await ds.query(`SELECT count(*)::int AS n FROM audit_event WHERE seq IS NULL`)) as Array<{ n: number }>;
  if (unchained[0].n !== 0) throw new Error(`${unchained[0].n} events left unchained`);

  // ------------------------------------------------------------------ verification
  const t0 = performance.now();
  const chained = (await ds.query(`SELECT count(*)::int AS n FROM audit_event`)) as Array<{ n: number }>;
  const last = await fillChain(ds, Math.max(1, VERIFY_EVENTS - chained[0].n));
  const fillSecs = (performance.now() - t0) / 1000;
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(keys.publicKey.export({ format: 'der', type: 'spki' }));
  const signedAt = new Date().toISOString();
  await insertCheckpoint(ds, {
    seq: last.seq,
    headHash: last.hash,
    signedAt,
    keyLabel: 'bench',
    algorithm: 'ECDSA-SHA256',
    publicKey: spki,
    signature: new Uint8Array(
      sign('sha256', checkpointMessage(last.seq, last.hash, signedAt), { key: keys.privateKey, dsaEncoding: 'ieee-p1363' }),
    ),
  });
  await ds.query('VACUUM ANALYZE audit_event').catch(() => undefined);
  const v0 = performance.now();
  const rep = await verifyStoredChain(ds, [spki], { databaseUrl: APP });
  const verifySecs = (performance.now() - v0) / 1000;
  if (!rep.ok) throw new Error(`the bench chain does not verify: ${JSON.stringify(rep)}`);
  await ds2.destroy();
  await ds.destroy();

  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(`PostgreSQL ${DB}, ${SECONDS} s per cell; per second = events (or requests) committed and chained per second\n`);
  console.log(
    table(
      ['workload', 'clients', 'per sec', 'p50 ms', 'p99 ms'],
      rows.map((r) => [r.name, String(r.clients), f(r.perSec, 0), f(r.p50, 2), f(r.p99, 2)]),
    ),
  );
  console.log(
    `\nverify: ${rep.events.toLocaleString('en')} events in ${verifySecs.toFixed(2)} s (${Math.round(rep.events / verifySecs).toLocaleString('en')} events/s), checkpoint at ${rep.head.seq}; fixture written in ${fillSecs.toFixed(0)} s`,
  );
  const at16 = (name: string) => rows.find((r) => r.name === name && r.clients === 16)!.perSec;
  summaryRow({
    what: 'Audit append, 16 clients, 1 event/tx',
    scm: Math.round(at16('audit append, 1 event/tx')),
    unit: 'events/s',
    anchor: { name: 'bare PostgreSQL insert of the same rows', value: Math.round(at16('bare insert, same row (no chain)')) },
    target: '≥ 5,000 events/s',
    higherIsBetter: true,
  });
  summaryRow({
    what: `Audit verify, ${rep.events.toLocaleString('en')} events`,
    scm: Number(verifySecs.toFixed(2)),
    unit: 's',
    target: '≤ 10 s for 1 M',
    higherIsBetter: false,
  });
}

runBench(main);
