import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per period of each periodic job (CRL republishing, audit checkpoints, sweeps): the API
 * replica that takes a period inserts it first, so a period runs once however many replicas hear
 * its job, and operators see which replica ran what and when.
 */
export class PeriodicRuns1764840000000 implements MigrationInterface {
  name = 'PeriodicRuns1764840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE periodic_run (
        job          text NOT NULL CHECK (length(job) BETWEEN 1 AND 100),
        period_at    timestamptz NOT NULL,
        replica      text NOT NULL CHECK (length(replica) BETWEEN 1 AND 200),
        started_at   timestamptz NOT NULL,
        finished_at  timestamptz,
        outcome      text CHECK (outcome IN ('done', 'failed')),
        PRIMARY KEY (job, period_at)
      )`);
    await q.query(`CREATE INDEX periodic_run_started ON periodic_run (started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE periodic_run`);
  }
}
