import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schema is owned by scm_owner (who runs migrations); the application connects as scm_app,
 * which gets DML on ordinary tables through default privileges. Tables that must be append-only
 * (the audit chain) revoke UPDATE and DELETE explicitly in their own migration.
 */
export class Initial1764028800000 implements MigrationInterface {
  name = 'Initial1764028800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO scm_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO scm_app`);
    await q.query(`
      CREATE TABLE workstation (
        id         integer PRIMARY KEY,
        host       text NOT NULL,
        readers    jsonb NOT NULL DEFAULT '[]'::jsonb,
        last_seen  timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE workstation`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM scm_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM scm_app`);
  }
}
