import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OutboxEntity } from '@scm/db';
import type { JobName } from '@scm/queue';
import { type DataSource, In, IsNull } from 'typeorm';
import type { TxScope } from '../infra/unit-of-work';
import type { OutboxJob, OutboxRecord, OutboxRepository } from './outbox.repository';

@Injectable()
export class PgOutboxRepository implements OutboxRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(tx: TxScope, jobs: readonly OutboxJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await tx.em.query(
      `INSERT INTO outbox (queue, job_name, job_id, payload, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::timestamptz[]) ON CONFLICT (job_id) DO NOTHING`,
      [
        jobs.map((j) => j.queue),
        jobs.map((j) => j.name),
        jobs.map((j) => j.id),
        jobs.map((j) => JSON.stringify(j.payload)),
        jobs.map(() => tx.now),
      ],
    );
  }

  relay(limit: number, send: (rows: OutboxRecord[]) => Promise<void>): Promise<number> {
    return this.ds.transaction(async (em) => {
      const rows = await em
        .createQueryBuilder(OutboxEntity, 'o')
        .where('o.relayedAt IS NULL')
        .orderBy('o.id', 'ASC')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (rows.length === 0) return 0;
      await send(rows);
      await em.update(OutboxEntity, { id: In(rows.map((r) => r.id)) }, { relayedAt: () => 'now()', attempts: () => 'attempts + 1' });
      return rows.length;
    });
  }

  async markDone(jobId: string, error?: string): Promise<void> {
    await this.ds.manager.update(OutboxEntity, { jobId }, { doneAt: () => 'COALESCE(done_at, now())', lastError: error ?? null });
  }

  async finishJobs(tx: TxScope, jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await tx.em
      .createQueryBuilder()
      .update(OutboxEntity)
      .set({ doneAt: () => 'COALESCE(done_at, :now)' })
      .where({ jobId: In([...jobIds]) })
      .setParameter('now', tx.now)
      .execute();
  }

  async finishPending(tx: TxScope, name: JobName, match: Record<string, string>): Promise<OutboxRecord[]> {
    const rows = await tx.em
      .createQueryBuilder(OutboxEntity, 'o')
      .where('o.jobName = :name AND o.doneAt IS NULL AND o.payload @> CAST(:match AS jsonb)', { name, match: JSON.stringify(match) })
      .orderBy('o.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
    if (rows.length === 0) return [];
    await tx.em.update(OutboxEntity, { id: In(rows.map((r) => r.id)) }, { doneAt: tx.now });
    return rows.map((r) => ({ ...r, doneAt: tx.now }));
  }

  relayedPending(after: string, limit: number, minAgeSeconds?: number): Promise<OutboxRecord[]> {
    const q = this.ds.manager
      .createQueryBuilder(OutboxEntity, 'o')
      .where('o.doneAt IS NULL AND o.relayedAt IS NOT NULL AND o.id > :after', { after });
    // The database's clock, as relayed_at was written with it.
    if (minAgeSeconds !== undefined) q.andWhere(`o.relayedAt < now() - :age * interval '1 second'`, { age: minAgeSeconds });
    return q.orderBy('o.id', 'ASC').limit(limit).getMany();
  }

  pendingCount(): Promise<number> {
    return this.ds.manager.countBy(OutboxEntity, { doneAt: IsNull() });
  }

  async reopen(jobId: string, opts: { relayAgain: boolean }): Promise<void> {
    await this.ds.manager.update(OutboxEntity, { jobId }, opts.relayAgain ? { relayedAt: null, doneAt: null } : { doneAt: null });
  }
}
