import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Marks outbox work as done once its job's effect is committed (at-least-once delivery, effect once). */
@Injectable()
export class OutboxService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async markDone(jobId: string, error?: string): Promise<void> {
    await this.ds.query(`UPDATE outbox SET done_at = COALESCE(done_at, now()), last_error = $2 WHERE job_id = $1`, [jobId, error ?? null]);
  }

  async pending(): Promise<number> {
    const r = (await this.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE done_at IS NULL`)) as Array<{ n: number }>;
    return r[0].n;
  }
}
