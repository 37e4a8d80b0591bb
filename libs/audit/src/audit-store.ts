import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { type AuditEventInput, type AuditRecord, eventHash, GENESIS_HASH } from './audit-chain';
import { canonicalJson } from './canonical-json';
import type { Checkpoint } from './chain-verifier';

/** Any object with TypeORM's query(): an EntityManager, a DataSource or a QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * The chain's sequencer lock (transaction-scoped advisory lock): whoever holds it is the one
 * sequencer placing events in the chain, in this process or any other on the same database.
 */
const CHAIN_LOCK = 0x5c4d_a0d1;

type Row = {
  seq: string;
  id: string;
  /** ISO text (RECORD_COLUMNS), or a Date from a plain SELECT *. */
  at: string | Date;
  actor: string;
  actor_name: string | null;
  role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: AuditRecord['outcome'];
  request_id: string | null;
  details: Record<string, unknown>;
  /** Hex (RECORD_COLUMNS), or a Buffer from a plain SELECT *; null while unchained. */
  prev_hash: string | Buffer | null;
  hash: string | Buffer | null;
};

// The database formats what the driver would otherwise parse one row at a time (timestamps to
// Date and back to ISO text, bytea to Buffer and back to hex): a million rows read twice as fast.
// Stored timestamps have millisecond precision (appendAudit floors them), so this ISO text is the
// one that was hashed.
const RECORD_COLUMNS = `seq, id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, actor_name, role, action,
  target_type, target_id, outcome, request_id, details, encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash`;

const hex = (b: string | Buffer | null): string => (b === null ? '' : typeof b === 'string' ? b : b.toString('hex'));

/** A chained audit_event row as a record of the chain. */
export function rowToRecord(r: Row): AuditRecord {
  return {
    seq: Number(r.seq),
    id: r.id,
    at: typeof r.at === 'string' ? r.at : r.at.toISOString(),
    actor: r.actor,
    actorName: r.actor_name,
    role: r.role,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    outcome: r.outcome,
    requestId: r.request_id,
    details: r.details,
    prevHash: hex(r.prev_hash),
    hash: hex(r.hash),
  };
}

/**
 * Records events inside the caller's transaction, unchained: they exist exactly when that
 * transaction commits, and no chain-wide lock is taken. The sequencer (chainPending, run by an
 * AuditSequencer right after the commit) gives them their place in the chain.
 */
export async function appendAudit(em: EntityManager | Queryable, events: readonly AuditEventInput[], at: Date): Promise<void> {
  if (events.length === 0) return;
  // Stored timestamps have millisecond precision so the hash recomputes from the row.
  const when = new Date(Math.floor(at.getTime())).toISOString();
  // 10 parameters per event; PostgreSQL takes at most 65535 per statement.
  for (let i = 0; i < events.length; i += INSERT_CHUNK) await insertEvents(em, events.slice(i, i + INSERT_CHUNK), when);
}

const INSERT_CHUNK = 5000;

async function insertEvents(em: EntityManager | Queryable, events: readonly AuditEventInput[], at: string): Promise<void> {
  const cols = 10;
  const params: unknown[] = [at];
  const tuples = events.map((e, i) => {
    params.push(
      randomUUID(),
      e.actor,
      e.actorName ?? null,
      e.role ?? null,
      e.action,
      e.targetType ?? null,
      e.targetId ?? null,
      e.outcome,
      e.requestId ?? null,
      canonicalJson(e.details ?? {}),
    );
    const p = (j: number) => `$${i * cols + j + 2}`;
    return `(${p(0)},$1,${Array.from({ length: cols - 1 }, (_, j) => p(j + 1)).join(',')})`;
  });
  await em.query(
    `INSERT INTO audit_event (id, at, actor, actor_name, role, action, target_type, target_id, outcome, request_id, details) VALUES ${tuples.join(',')}`,
    params,
  );
}

/**
 * The sequencer's step, inside a transaction of its own: takes the chain lock (waiting for any
 * other sequencer to commit), then places up to `max` committed unchained events after the head,
 * in insertion order. Returns how many it chained. Running it twice, or in two processes, is safe:
 * the lock serialises them and each chains only what is still unchained.
 */
export async function chainPending(tx: Queryable, max = 5000): Promise<number> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
  const pending = (await tx.query(`SELECT entry, ${RECORD_COLUMNS} FROM audit_event WHERE seq IS NULL ORDER BY entry LIMIT $1`, [
    max,
  ])) as Array<Row & { entry: string }>;
  if (pending.length === 0) return 0;
  let { seq, hash } = await chainHead(tx);
  const entries: string[] = [];
  const seqs: number[] = [];
  const prevs: string[] = [];
  const hashes: string[] = [];
  for (const row of pending) {
    const rec = { ...rowToRecord(row), seq: ++seq, prevHash: hash };
    hash = eventHash(rec);
    entries.push(row.entry);
    seqs.push(seq);
    prevs.push(rec.prevHash);
    hashes.push(hash);
  }
  // The application role has no UPDATE on audit_event: the schema owner's function places them.
  await tx.query(`SELECT audit_place_events($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[])`, [
    entries,
    seqs,
    prevs.map((h) => Buffer.from(h, 'hex')),
    hashes.map((h) => Buffer.from(h, 'hex')),
  ]);
  return pending.length;
}

/**
 * The chain in seq order (chained events only), fetched in batches; the next batch is read while
 * the caller works through the current one.
 */
export async function* readChain(db: Queryable, fromSeq = 1, batch = 5000): AsyncGenerator<AuditRecord> {
  const fetch = (from: number) =>
    db.query(`SELECT ${RECORD_COLUMNS} FROM audit_event WHERE seq >= $1 ORDER BY seq LIMIT $2`, [from, batch]) as Promise<Row[]>;
  let next = fetch(fromSeq);
  for (;;) {
    const rows = await next;
    const more = rows.length === batch;
    if (more) next = fetch(Number(rows[rows.length - 1].seq) + 1);
    for (const r of rows) yield rowToRecord(r);
    if (!more) return;
  }
}

/** The last chained event (events still waiting for the sequencer are not part of the chain yet). */
export async function chainHead(db: Queryable): Promise<{ seq: number; hash: string }> {
  const rows = (await db.query(
    `SELECT seq, encode(hash, 'hex') AS hash FROM audit_event WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`,
  )) as Array<{ seq: string; hash: string }>;
  return rows.length ? { seq: Number(rows[0].seq), hash: rows[0].hash } : { seq: 0, hash: GENESIS_HASH };
}

type CheckpointRow = {
  seq: string;
  head_hash: Buffer;
  signed_at: Date;
  key_label: string;
  algorithm: string;
  public_key: Buffer;
  signature: Buffer;
};

export async function readCheckpoints(db: Queryable): Promise<Checkpoint[]> {
  const rows = (await db.query('SELECT * FROM audit_checkpoint ORDER BY seq')) as CheckpointRow[];
  return rows.map((r) => ({
    seq: Number(r.seq),
    headHash: r.head_hash.toString('hex'),
    signedAt: r.signed_at.toISOString(),
    keyLabel: r.key_label,
    algorithm: r.algorithm,
    publicKey: new Uint8Array(r.public_key),
    signature: new Uint8Array(r.signature),
  }));
}

export async function insertCheckpoint(db: Queryable, c: Checkpoint): Promise<void> {
  await db.query(
    'INSERT INTO audit_checkpoint (seq, head_hash, signed_at, key_label, algorithm, public_key, signature) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (seq) DO NOTHING',
    [c.seq, Buffer.from(c.headHash, 'hex'), c.signedAt, c.keyLabel, c.algorithm, Buffer.from(c.publicKey), Buffer.from(c.signature)],
  );
}
