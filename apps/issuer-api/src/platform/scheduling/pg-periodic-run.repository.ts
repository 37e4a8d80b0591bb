import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { PeriodicRunOutcome, PeriodicRunRepository } from './periodic-run.repository';

const KEEP_DAYS = 7;

@Injectable()
export class PgPeriodicRunRepository implements PeriodicRunRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async take(job: string, periodAt: Date, replica: string): Promise<boolean> {
    const rows = (await this.ds.query(
      `WITH pruned AS (DELETE FROM periodic_run WHERE job = $1 AND started_at < now() - make_interval(days => ${KEEP_DAYS}))
       INSERT INTO periodic_run (job, period_at, replica, started_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (job, period_at) DO NOTHING RETURNING job`,
      [job, periodAt, replica],
    )) as unknown[];
    return rows.length === 1;
  }

  async finish(job: string, periodAt: Date, outcome: PeriodicRunOutcome): Promise<void> {
    await this.ds.query(`UPDATE periodic_run SET finished_at = now(), outcome = $3 WHERE job = $1 AND period_at = $2`, [
      job,
      periodAt,
      outcome,
    ]);
  }
}
