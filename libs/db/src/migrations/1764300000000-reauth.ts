import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sensitive actions (escrow recovery, PIN unblock, revocation) need a recent password confirmation. */
export class Reauth1764300000000 implements MigrationInterface {
  name = 'Reauth1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session ADD COLUMN reauthenticated_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session DROP COLUMN reauthenticated_at`);
  }
}
