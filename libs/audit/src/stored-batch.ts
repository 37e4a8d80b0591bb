import type { AuditRecord } from './audit-chain';

/**
 * A batch of the chain as the database hands it to a verifier: one JSON text (an array of arrays),
 * built by PostgreSQL, which a reader parses with one JSON.parse instead of the driver decoding
 * every column of every row (the most of what reading a million events cost).
 */
export const BATCH_QUERY = `
  SELECT json_agg(json_build_array(seq, id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), actor, actor_name, role, action,
           target_type, target_id, outcome, request_id, details, encode(prev_hash, 'hex'), encode(hash, 'hex')) ORDER BY seq)::text AS j,
         count(*)::int AS n, max(seq) AS m
    FROM (SELECT * FROM audit_event WHERE seq >= $1 ORDER BY seq LIMIT $2) e`;

type Tuple = [
  number,
  string,
  string,
  string,
  string | null,
  string | null,
  string,
  string | null,
  string | null,
  AuditRecord['outcome'],
  string | null,
  Record<string, unknown>,
  string,
  string,
];

/** The records of a batch's JSON text (BATCH_QUERY). */
export function recordsOfBatch(text: string): AuditRecord[] {
  return (JSON.parse(text) as Tuple[]).map((t) => ({
    seq: t[0],
    id: t[1],
    at: t[2],
    actor: t[3],
    actorName: t[4],
    role: t[5],
    action: t[6],
    targetType: t[7],
    targetId: t[8],
    outcome: t[9],
    requestId: t[10],
    details: t[11],
    prevHash: t[12],
    hash: t[13],
  }));
}
