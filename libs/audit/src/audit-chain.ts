import * as crypto from 'node:crypto';
import { canonicalJson, JSON_PLAIN_STRING } from './canonical-json';

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

const str = (v: string): string => (JSON_PLAIN_STRING.test(v) ? `"${v}"` : JSON.stringify(v));
const strOrNull = (v: string | null): string => (v === null ? 'null' : str(v));

/**
 * The canonical JSON of an event's fields (every field but the hashes), equal byte for byte to
 * canonicalJson({ seq, id, …, details }), written out in its sorted key order in one template:
 * this is what a verifier of a million events spends its time on. A record with a missing or
 * odd-typed field (a hand-edited bundle line) takes the general path.
 */
function eventBody(r: Omit<AuditRecord, 'hash'>): string {
  if (
    typeof r.action === 'string' &&
    typeof r.actor === 'string' &&
    typeof r.at === 'string' &&
    typeof r.id === 'string' &&
    typeof r.outcome === 'string' &&
    typeof r.seq === 'number' &&
    Number.isFinite(r.seq) &&
    (r.actorName === null || typeof r.actorName === 'string') &&
    (r.requestId === null || typeof r.requestId === 'string') &&
    (r.role === null || typeof r.role === 'string') &&
    (r.targetId === null || typeof r.targetId === 'string') &&
    (r.targetType === null || typeof r.targetType === 'string') &&
    r.details !== undefined
  )
    return `{"action":${str(r.action)},"actor":${str(r.actor)},"actorName":${strOrNull(r.actorName)},"at":${str(r.at)},"details":${canonicalJson(
      r.details,
    )},"id":${str(r.id)},"outcome":${str(r.outcome)},"requestId":${strOrNull(r.requestId)},"role":${strOrNull(r.role)},"seq":${JSON.stringify(
      r.seq,
    )},"targetId":${strOrNull(r.targetId)},"targetType":${strOrNull(r.targetType)}}`;
  const { action, actor, actorName, at, details, id, outcome, requestId, role, seq, targetId, targetType } = r;
  return canonicalJson({ action, actor, actorName, at, details, id, outcome, requestId, role, seq, targetId, targetType });
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
