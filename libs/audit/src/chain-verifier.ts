import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { type AuditRecord, checkpointMessage, eventHash, GENESIS_HASH } from './audit-chain';

export interface Checkpoint {
  seq: number;
  headHash: string;
  signedAt: string;
  keyLabel: string;
  algorithm: string;
  /** SPKI DER. */
  publicKey: Uint8Array;
  /** ECDSA: IEEE P1363 (r||s). */
  signature: Uint8Array;
}

export interface Break {
  seq: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  head: { seq: number; hash: string };
  latestCheckpoint: { seq: number; signedAt: string; keyLabel: string } | null;
  checkpointsChecked: number;
  /** The first broken link, named. */
  broken: Break | null;
  problems: string[];
}

/** Verifies a checkpoint's signature with its own public key (trust in that key is checked apart). */
export function checkpointSignatureValid(c: Checkpoint): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(c.publicKey), format: 'der', type: 'spki' });
    const msg = checkpointMessage(c.seq, c.headHash, c.signedAt);
    if (c.algorithm === 'ECDSA-SHA256' || c.algorithm === 'ECDSA-SHA384') {
      return nodeVerify(
        c.algorithm.endsWith('384') ? 'sha384' : 'sha256',
        msg,
        { key, dsaEncoding: 'ieee-p1363' },
        Buffer.from(c.signature),
      );
    }
    if (c.algorithm === 'RSA-SHA256') return nodeVerify('sha256', msg, key, Buffer.from(c.signature));
    return false;
  } catch {
    return false;
  }
}

/**
 * What one run of consecutive records amounts to, worked out on its own (in a worker thread): a
 * verifier joins the runs in order (ChainVerifier.pushRun) with the same result as pushing every
 * record. `first` is null for an empty run.
 */
export interface RunSummary {
  count: number;
  first: { seq: number; prevHash: string } | null;
  /** The last record before `broken` (or of the run): where the next run must link. */
  last: { seq: number; hash: string } | null;
  /** The first problem inside the run (the link into the run is the joiner's to check). */
  broken: Break | null;
  /** [seq, hash] of the checkpointed positions the run passed before any break. */
  seen: Array<[number, string]>;
}

/** Checks a run of consecutive records on its own, as ChainVerifier.push would after its first record. */
export function summariseRun(records: readonly AuditRecord[], wanted: ReadonlySet<number>): RunSummary {
  const out: RunSummary = { count: records.length, first: null, last: null, broken: null, seen: [] };
  if (records.length === 0) return out;
  out.first = { seq: records[0].seq, prevHash: records[0].prevHash };
  let prev: { seq: number; hash: string } | null = null;
  for (const r of records) {
    if (prev) {
      if (r.seq !== prev.seq + 1) {
        out.broken = {
          seq: prev.seq + 1,
          reason: r.seq > prev.seq + 1 ? `event ${prev.seq + 1} is missing (next is ${r.seq})` : `event ${r.seq} out of order`,
        };
        break;
      }
      if (r.prevHash !== prev.hash) {
        out.broken = { seq: r.seq, reason: `event ${r.seq} does not link to event ${prev.seq} (previous-hash mismatch)` };
        break;
      }
    }
    if (eventHash(r) !== r.hash) {
      out.broken = { seq: r.seq, reason: `event ${r.seq} was altered (its content does not match its hash)` };
      break;
    }
    if (wanted.has(r.seq)) out.seen.push([r.seq, r.hash]);
    prev = { seq: r.seq, hash: r.hash };
  }
  out.last = prev;
  return out;
}

/**
 * Walks the chain in seq order, one record at a time (so a chain of any length verifies in constant
 * memory), then checks it against the signed checkpoints. `trustedKeys` are the SPKI DER of keys
 * allowed to sign checkpoints (the HSM's checkpoint key, or the key pinned in an offline bundle).
 */
export class ChainVerifier {
  private prev = { seq: 0, hash: GENESIS_HASH };
  private broken: Break | null = null;
  private count = 0;
  /** seq -> hash, kept only for checkpointed positions. */
  private readonly wanted = new Map<number, string | null>();

  constructor(private readonly checkpoints: readonly Checkpoint[]) {
    for (const c of checkpoints) this.wanted.set(c.seq, null);
  }

  push(r: AuditRecord): void {
    this.count++;
    if (this.broken) return;
    if (r.seq !== this.prev.seq + 1) {
      this.broken = {
        seq: this.prev.seq + 1,
        reason: r.seq > this.prev.seq + 1 ? `event ${this.prev.seq + 1} is missing (next is ${r.seq})` : `event ${r.seq} out of order`,
      };
      return;
    }
    if (r.prevHash !== this.prev.hash) {
      this.broken = { seq: r.seq, reason: `event ${r.seq} does not link to event ${this.prev.seq} (previous-hash mismatch)` };
      return;
    }
    const computed = eventHash(r);
    if (computed !== r.hash) {
      this.broken = { seq: r.seq, reason: `event ${r.seq} was altered (its content does not match its hash)` };
      return;
    }
    if (this.wanted.has(r.seq)) this.wanted.set(r.seq, r.hash);
    this.prev = { seq: r.seq, hash: r.hash };
  }

  /** The checkpointed positions, for runs summarised elsewhere (summariseRun). */
  wantedSeqs(): Set<number> {
    return new Set(this.wanted.keys());
  }

  /** Takes a run of the next records, summarised by summariseRun: the same as pushing each of them. */
  pushRun(run: RunSummary): void {
    this.count += run.count;
    if (this.broken || !run.first) return;
    const first = run.first;
    if (first.seq !== this.prev.seq + 1) {
      this.broken = {
        seq: this.prev.seq + 1,
        reason:
          first.seq > this.prev.seq + 1
            ? `event ${this.prev.seq + 1} is missing (next is ${first.seq})`
            : `event ${first.seq} out of order`,
      };
      return;
    }
    if (first.prevHash !== this.prev.hash) {
      this.broken = { seq: first.seq, reason: `event ${first.seq} does not link to event ${this.prev.seq} (previous-hash mismatch)` };
      return;
    }
    for (const [seq, hash] of run.seen) this.wanted.set(seq, hash);
    if (run.last) this.prev = run.last;
    if (run.broken) this.broken = run.broken;
  }

  finish(trustedKeys: readonly Uint8Array[]): VerifyReport {
    const problems: string[] = [];
    let broken = this.broken;
    const sorted = [...this.checkpoints].sort((a, b) => a.seq - b.seq);
    const trusted = new Set(trustedKeys.map((k) => Buffer.from(k).toString('hex')));
    let checked = 0;
    let lastGood = 0;
    for (const c of sorted) {
      if (!trusted.has(Buffer.from(c.publicKey).toString('hex'))) {
        problems.push(`checkpoint at ${c.seq} is signed by an untrusted key (${c.keyLabel})`);
        continue;
      }
      if (!checkpointSignatureValid(c)) {
        problems.push(`checkpoint at ${c.seq}: the signature does not verify`);
        continue;
      }
      checked++;
      if (c.seq > this.prev.seq && !this.broken) {
        broken ??= {
          seq: this.prev.seq + 1,
          reason: `the chain was truncated: a checkpoint signed ${c.signedAt} covers event ${c.seq} but the chain ends at ${this.prev.seq}`,
        };
        continue;
      }
      const seen = this.wanted.get(c.seq);
      if (seen === null || seen === undefined) continue; // beyond a break already reported
      if (seen !== c.headHash) {
        broken ??= {
          seq: lastGood + 1,
          reason: `events ${lastGood + 1}..${c.seq} were rewritten: the chain at ${c.seq} does not match the checkpoint signed ${c.signedAt}`,
        };
      } else lastGood = c.seq;
    }
    if (sorted.length === 0) problems.push('no signed checkpoint: the chain is only self-consistent');
    else if (checked === 0) problems.push('no checkpoint with a valid signature by a trusted key');
    const latest = sorted.length ? sorted[sorted.length - 1] : null;
    return {
      ok: broken === null && checked > 0 && problems.length === 0,
      events: this.count,
      head: this.prev,
      latestCheckpoint: latest ? { seq: latest.seq, signedAt: latest.signedAt, keyLabel: latest.keyLabel } : null,
      checkpointsChecked: checked,
      broken,
      problems,
    };
  }
}
