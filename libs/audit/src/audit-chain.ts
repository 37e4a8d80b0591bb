import * as crypto from 'node:crypto';
import { canonicalJson } from './canonical-json';

export type Outcome = 'success' | 'failure' | 'denied';

/** What a command handler records: who did what to which target, and how it ended. */
export interface AuditEventInput {
  actor: string;
  actorName?: string | null;
  role?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  outcome: Outcome;
  requestId?: string | null;
  /** Safe, structured facts. Never secrets: this is hashed, stored and exported. */
  details?: Record<string, unknown>;
}

/** An event as stored: placed in the chain. */
export interface AuditRecord {
  seq: number;
  id: string;
  at: string;
  actor: string;
  actorName: string | null;
  role: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: Outcome;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
const DOMAIN = 'scm-audit-v1';

/**
 * The canonical JSON of an event's fields (every field but the hashes): canonicalJson of the record
 * written out field by field in its sorted key order, which is what a verifier of a million events
 * spends its time on. Equal to canonicalJson({ seq, id, …, details }) byte for byte.
 */
function eventBody(r: Omit<AuditRecord, 'hash'>): string {
  let out = '{';
  const field = (key: string, v: unknown) => {
    if (v === undefined) return;
    out += `${out.length > 1 ? ',' : ''}${key}:${typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v)}`;
  };
  // Keys in canonicalJson's order (sorted by UTF-16 code units).
  field('"action"', r.action);
  field('"actor"', r.actor);
  field('"actorName"', r.actorName);
  field('"at"', r.at);
  field('"details"', r.details);
  field('"id"', r.id);
  field('"outcome"', r.outcome);
  field('"requestId"', r.requestId);
  field('"role"', r.role);
  field('"seq"', r.seq);
  field('"targetId"', r.targetId);
  field('"targetType"', r.targetType);
  return `${out}}`;
}

// One-shot hashing (Node 20.12+) costs half of createHash().update().digest() for a short input.
const oneShot = (crypto as unknown as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
const hashHex = oneShot ? (s: string) => oneShot('sha256', s, 'hex') : (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** SHA-256 over the domain tag, the canonical event (every field but the hashes) and the previous hash. */
export function eventHash(r: Omit<AuditRecord, 'hash'>): string {
  return hashHex(`${DOMAIN}\n${eventBody(r)}\n${r.prevHash}`);
}

/** Places inputs after (seq, hash), returning the records to insert. */
export function chainEvents(
  head: { seq: number; hash: string },
  inputs: readonly AuditEventInput[],
  at: Date,
  newId: () => string,
): AuditRecord[] {
  let { seq, hash } = head;
  return inputs.map((e) => {
    const rec: Omit<AuditRecord, 'hash'> = {
      seq: ++seq,
      id: newId(),
      at: at.toISOString(),
      actor: e.actor,
      actorName: e.actorName ?? null,
      role: e.role ?? null,
      action: e.action,
      targetType: e.targetType ?? null,
      targetId: e.targetId ?? null,
      outcome: e.outcome,
      requestId: e.requestId ?? null,
      details: JSON.parse(canonicalJson(e.details ?? {})) as Record<string, unknown>,
      prevHash: hash,
    };
    hash = eventHash(rec);
    return { ...rec, hash };
  });
}

/** The signed statement of a checkpoint: "the chain up to seq ends in head". */
export function checkpointMessage(seq: number, headHash: string, signedAt: string): Buffer {
  return Buffer.from(`scm-audit-checkpoint-v1|${seq}|${headHash}|${signedAt}`, 'utf8');
}
