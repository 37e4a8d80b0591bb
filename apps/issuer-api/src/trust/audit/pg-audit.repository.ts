import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type AuditRecord,
  type Checkpoint,
  type CheckpointSigner,
  readCheckpoints,
  signCheckpoint,
  verifyStoredChain,
  type VerifyReport,
} from '@scm/audit';
import { AuditEventEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { AuditEventFilter, AuditRepository } from './audit.repository';

/** An audit row as the chain defines a record (hashes in hex, seq a number). */
const recordOf = (e: AuditEventEntity): AuditRecord => ({
  seq: Number(e.seq),
  id: e.id,
  at: e.at.toISOString(),
  actor: e.actor,
  actorName: e.actorName,
  role: e.role,
  action: e.action,
  targetType: e.targetType,
  targetId: e.targetId,
  outcome: e.outcome,
  requestId: e.requestId,
  details: e.details,
  // events() reads chained rows only (seq > afterSeq), whose hashes are set.
  prevHash: e.prevHash!.toString('hex'),
  hash: e.hash!.toString('hex'),
});

@Injectable()
export class PgAuditRepository implements AuditRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async events(f: AuditEventFilter): Promise<AuditRecord[]> {
    const q = this.ds.manager.createQueryBuilder(AuditEventEntity, 'e').where('e.seq > :afterSeq', { afterSeq: f.afterSeq });
    if (f.from) q.andWhere('e.at >= :from', { from: f.from });
    if (f.to) q.andWhere('e.at < :to', { to: f.to });
    if (f.actor) q.andWhere('(e.actor = :actor OR e.actorName = :actor)', { actor: f.actor });
    if (f.action) q.andWhere('e.action LIKE :action', { action: `${f.action.replace(/[%_]/g, '')}%` });
    return (await q.orderBy('e.seq').limit(f.limit).getMany()).map(recordOf);
  }

  verify(trustedKeys: readonly Uint8Array[]): Promise<VerifyReport> {
    // Worker threads read the chain on connections of their own (the pool's URL).
    return verifyStoredChain(this.ds, trustedKeys, { databaseUrl: (this.ds.options as { url?: string }).url });
  }

  checkpoints(): Promise<Checkpoint[]> {
    return readCheckpoints(this.ds);
  }

  signCheckpoint(signer: CheckpointSigner, now: Date, force: boolean): Promise<Checkpoint | null> {
    return signCheckpoint(this.ds, signer, now, force);
  }
}
