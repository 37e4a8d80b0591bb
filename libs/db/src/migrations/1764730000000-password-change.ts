import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A password an administrator set is changed by its holder at first log-in, before anything else. */
export class PasswordChange1764730000000 implements MigrationInterface {
  name = 'PasswordChange1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN must_change_password boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP COLUMN must_change_password`);
  }
}
