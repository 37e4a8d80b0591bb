import type { AuditRecord } from './audit-chain';

/**
 * A range of the stored chain as a verifier reads it on a connection of its own: every column as
 * PostgreSQL prints it (no type parsing in the driver), rows as arrays. The connection must use
 * UTC and ISO dates (RANGE_SESSION); recordOfRaw turns a row into a record.
 */
export const RANGE_SESSION = `SET TIME ZONE 'UTC'; SET datestyle = 'ISO'`;
export const RANGE_QUERY = `SELECT seq, id, at, actor, actor_name, role, action, target_type, target_id, outcome, request_id, details, prev_hash, hash
  FROM audit_event WHERE seq >= $1 AND seq < $2 ORDER BY seq`;

type Raw = Array<string | null>;

/** '2026-12-01 10:20:30.12+00' (UTC, ISO style) as toISOString prints it: '2026-12-01T10:20:30.120Z'. */
export function isoOfPgTimestamp(t: string): string {
  const plus = t.lastIndexOf('+');
  const body = plus > 10 ? t.slice(0, plus) : t;
  const dot = body.indexOf('.', 11);
  const whole = dot < 0 ? body : body.slice(0, dot);
  const frac = dot < 0 ? '' : body.slice(dot + 1);
  return `${whole.replace(' ', 'T')}.${(frac + '000').slice(0, 3)}Z`;
}

const hexOf = (bytea: string | null): string => (bytea ?? '').slice(2); // '\x…'

/** A RANGE_QUERY row (raw text values) as a record of the chain. */
export function recordOfRaw(r: Raw): AuditRecord {
  return {
    seq: Number(r[0]),
    id: r[1]!,
    at: isoOfPgTimestamp(r[2]!),
    actor: r[3]!,
    actorName: r[4],
    role: r[5],
    action: r[6]!,
    targetType: r[7],
    targetId: r[8],
    outcome: r[9] as AuditRecord['outcome'],
    requestId: r[10],
    details: JSON.parse(r[11]!) as Record<string, unknown>,
    prevHash: hexOf(r[12]),
    hash: hexOf(r[13]),
  };
}
