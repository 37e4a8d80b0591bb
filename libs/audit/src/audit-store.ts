import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { type AuditEventInput, type AuditRecord, chainEvents, GENESIS_HASH } from './audit-chain';
import type { Checkpoint } from './chain-verifier';

/** Any object with TypeORM's query(): an EntityManager, a DataSource or a QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

// One lock for the whole chain: appends are serialised from the moment an event is placed until
// the transaction commits, which keeps seq contiguous and every prev_hash right.
const CHAIN_LOCK = 0x5c4d_a0d1;

type Row = {
  seq: string;
  id: string;
  at: Date;
  actor: string;
  actor_name: string | null;
  role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: AuditRecord['outcome'];
  request_id: string | null;
  details: Record<string, unknown>;
  prev_hash: Buffer;
  hash: Buffer;
};

export function rowToRecord(r: Row): AuditRecord {
  return {
    seq: Number(r.seq),
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    actorName: r.actor_name,
    role: r.role,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    outcome: r.outcome,
    requestId: r.request_id,
    details: r.details,
    prevHash: r.prev_hash.toString('hex'),
    hash: r.hash.toString('hex'),
  };
}

/**
 * Appends events to the chain inside the caller's transaction (the change they record commits with
 * them or not at all). Must run inside a transaction: the advisory lock is transaction-scoped.
 */
export async function appendAudit(em: EntityManager | Queryable, events: readonly AuditEventInput[], at: Date): Promise<AuditRecord[]> {
  if (events.length === 0) return [];
  await em.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
  const head = (await em.query('SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1')) as Array<{ seq: string; hash: Buffer }>;
  const from = head.length ? { seq: Number(head[0].seq), hash: head[0].hash.toString('hex') } : { seq: 0, hash: GENESIS_HASH };
  // Stored timestamps have millisecond precision so the hash recomputes from the row.
  const records = chainEvents(from, events, new Date(Math.floor(at.getTime())), randomUUID);
  // 14 parameters per event; PostgreSQL takes at most 65535 per statement.
  for (let i = 0; i < records.length; i += INSERT_CHUNK) await insertRecords(em, records.slice(i, i + INSERT_CHUNK));
  return records;
}

const INSERT_CHUNK = 2000;

async function insertRecords(em: EntityManager | Queryable, records: readonly AuditRecord[]): Promise<void> {
  const cols = 14;
  const params: unknown[] = [];
  const tuples = records.map((r, i) => {
    params.push(
      r.seq,
      r.id,
      r.at,
      r.actor,
      r.actorName,
      r.role,
      r.action,
      r.targetType,
      r.targetId,
      r.outcome,
      r.requestId,
      JSON.stringify(r.details),
      Buffer.from(r.prevHash, 'hex'),
      Buffer.from(r.hash, 'hex'),
    );
    return `(${Array.from({ length: cols }, (_, j) => `$${i * cols + j + 1}`).join(',')})`;
  });
  await em.query(
    `INSERT INTO audit_event (seq, id, at, actor, actor_name, role, action, target_type, target_id, outcome, request_id, details, prev_hash, hash) VALUES ${tuples.join(',')}`,
    params,
  );
}

/** The chain in seq order, fetched in batches. */
export async function* readChain(db: Queryable, fromSeq = 1, batch = 2000): AsyncGenerator<AuditRecord> {
  let next = fromSeq;
  for (;;) {
    const rows = (await db.query('SELECT * FROM audit_event WHERE seq >= $1 ORDER BY seq LIMIT $2', [next, batch])) as Row[];
    for (const r of rows) yield rowToRecord(r);
    if (rows.length < batch) return;
    next = Number(rows[rows.length - 1].seq) + 1;
  }
}

export async function chainHead(db: Queryable): Promise<{ seq: number; hash: string }> {
  const rows = (await db.query('SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1')) as Array<{ seq: string; hash: Buffer }>;
  return rows.length ? { seq: Number(rows[0].seq), hash: rows[0].hash.toString('hex') } : { seq: 0, hash: GENESIS_HASH };
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
