/**
 * Audit chain and outbox throughput on the real PostgreSQL, in a database of the benchmark's own
 * (scm_bench, recreated). `npm run bench audit`.
 *
 *   bare insert        one row per transaction, no chain (the floor)
 *   audit append       one chained event per transaction (advisory lock, head read, insert)
 *   audit append x10   ten chained events per transaction
 *   request+outbox     what a command commits: a request row, an outbox row and its audit event
 *
 * Each at 1, 4 and 16 concurrent clients; events (or requests) per second and commit latency.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '@scm/audit';
import { createDataSource, provisionDatabase } from '@scm/db';
import type { DataSource } from 'typeorm';

const ADMIN = process.env.SCM_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OWNER = 'postgres://scm_owner@127.0.0.1:5432/scm_bench_audit';
const APP = 'postgres://scm_app@127.0.0.1:5432/scm_bench_audit';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

type Row = { name: string; clients: number; perSec: number; p50: number; p99: number; n: number };

async function run(ds: DataSource, name: string, clients: number, unit: number, fn: () => Promise<void>): Promise<Row> {
  const lat: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const s = process.hrtime.bigint();
        await fn();
        lat.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  lat.sort((a, b) => a - b);
  void ds;
  return {
    name,
    clients,
    perSec: (lat.length * unit) / secs,
    p50: lat[Math.floor(lat.length / 2)],
    p99: lat[Math.floor(lat.length * 0.99)],
    n: lat.length * unit,
  };
}

const event = (i: number) => ({
  actor: 'system:bench',
  action: 'bench.event',
  targetType: 'bench',
  targetId: String(i),
  outcome: 'success' as const,
  details: { i },
});

async function main(): Promise<void> {
  await provisionDatabase({ adminUrl: ADMIN, ownerUrl: OWNER, recreate: true });
  const owner = createDataSource(OWNER, 2);
  await owner.initialize();
  await owner.query(`CREATE TABLE bench_row (id uuid PRIMARY KEY, at timestamptz NOT NULL, payload jsonb NOT NULL)`);
  await owner.destroy();
  const ds = createDataSource(APP, 20);
  await ds.initialize();
  let i = 0;
  const rows: Row[] = [];
  for (const clients of [1, 4, 16]) {
    rows.push(
      await run(ds, 'bare insert (no chain)', clients, 1, () =>
        ds.transaction(async (em) => {
          await em.query(`INSERT INTO bench_row (id, at, payload) VALUES ($1, now(), $2)`, [randomUUID(), JSON.stringify(event(++i))]);
        }),
      ),
    );
    rows.push(
      await run(ds, 'audit append, 1 event/tx', clients, 1, () =>
        ds.transaction((em) => appendAudit(em, [event(++i)], new Date()).then(() => undefined)),
      ),
    );
    rows.push(
      await run(ds, 'audit append, 10 events/tx', clients, 10, () =>
        ds.transaction((em) =>
          appendAudit(
            em,
            Array.from({ length: 10 }, () => event(++i)),
            new Date(),
          ).then(() => undefined),
        ),
      ),
    );
    rows.push(
      await run(ds, 'request + outbox + audit', clients, 1, () =>
        ds.transaction(async (em) => {
          const id = randomUUID();
          await em.query(`INSERT INTO bench_row (id, at, payload) VALUES ($1, now(), '{"state":"requested"}')`, [id]);
          await em.query(
            `INSERT INTO outbox (queue, job_name, job_id, payload, created_at) VALUES ('keygen', 'generate-keys', $1, $2, now())`,
            [`generate-keys|requestId=${id}`, JSON.stringify({ requestId: id })],
          );
          await appendAudit(em, [{ ...event(++i), action: 'issuance.requested', targetId: id }], new Date());
        }),
      ),
    );
  }
  await ds.destroy();
  const f = (n: number, d = 1) => n.toFixed(d).padStart(9);
  console.log(`PostgreSQL ${SECONDS} s per row; per second = committed events (or requests) per second`);
  console.log(`${'workload'.padEnd(30)} clients   per sec   p50 ms    p99 ms`);
  for (const r of rows)
    console.log(`${r.name.padEnd(30)} ${String(r.clients).padStart(7)} ${f(r.perSec, 0)} ${f(r.p50, 2)} ${f(r.p99, 2)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
