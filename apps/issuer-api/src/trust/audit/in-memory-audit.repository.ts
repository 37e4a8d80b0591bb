import { randomUUID } from 'node:crypto';
import {
  type AuditEventInput,
  type AuditRecord,
  type Checkpoint,
  type CheckpointSigner,
  ChainVerifier,
  type VerifyReport,
  chainEvents,
  checkpointMessage,
  GENESIS_HASH,
} from '@scm/audit';
import type { AuditEventFilter, AuditRepository } from './audit.repository';

/** The audit chain in memory, for handler specs: `append` chains events as the unit of work would. */
export class InMemoryAuditRepository implements AuditRepository {
  readonly records: AuditRecord[] = [];
  readonly stored: Checkpoint[] = [];

  append(events: readonly AuditEventInput[], at: Date): AuditRecord[] {
    const last = this.records[this.records.length - 1];
    const added = chainEvents(last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH }, events, at, randomUUID);
    this.records.push(...added);
    return added;
  }

  async events(f: AuditEventFilter): Promise<AuditRecord[]> {
    const action = f.action?.replace(/[%_]/g, '');
    return this.records
      .filter(
        (r) =>
          r.seq > f.afterSeq &&
          (!f.from || r.at >= new Date(f.from).toISOString()) &&
          (!f.to || r.at < new Date(f.to).toISOString()) &&
          (!f.actor || r.actor === f.actor || r.actorName === f.actor) &&
          (!action || r.action.startsWith(action)),
      )
      .slice(0, f.limit);
  }

  async verify(trustedKeys: readonly Uint8Array[]): Promise<VerifyReport> {
    const v = new ChainVerifier(this.stored);
    for (const r of this.records) v.push(r);
    return v.finish(trustedKeys);
  }

  async checkpoints(): Promise<Checkpoint[]> {
    return [...this.stored];
  }

  async signCheckpoint(signer: CheckpointSigner, now: Date, force: boolean): Promise<Checkpoint | null> {
    const head = this.records[this.records.length - 1];
    if (!head) return null;
    const latest = this.stored[this.stored.length - 1];
    if (!force && latest && latest.seq >= head.seq) return null;
    const signedAt = new Date(Math.floor(now.getTime())).toISOString();
    const c: Checkpoint = {
      seq: head.seq,
      headHash: head.hash,
      signedAt,
      keyLabel: signer.keyLabel,
      algorithm: signer.algorithm,
      publicKey: await signer.publicKey(),
      signature: await signer.sign(checkpointMessage(head.seq, head.hash, signedAt)),
    };
    if (!this.stored.some((x) => x.seq === c.seq)) this.stored.push(c);
    return c;
  }
}
