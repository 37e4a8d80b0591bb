import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATES = ['requested', 'keys-generated', 'escrowed', 'awaiting-card', 'personalising', 'verifying', 'issued', 'failed', 'cancelled'];
const list = (s: string[]) => s.map((x) => `'${x}'`).join(', ');

/**
 * A card that refuses a step the same way on consecutive attempts stops being retried: its request
 * waits in `failed-card` for an officer to spoil the card or retry it. The attempt row remembers
 * the refusals on its card since the last decision (how many, and the last step and status word).
 */
export class FailedCard1764650000000 implements MigrationInterface {
  name = 'FailedCard1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE issuance_request DROP CONSTRAINT issuance_request_state_check`);
    await q.query(
      `ALTER TABLE issuance_request ADD CONSTRAINT issuance_request_state_check CHECK (state IN (${list([...STATES, 'failed-card'])}))`,
    );
    await q.query(`
      ALTER TABLE personalisation
        ADD COLUMN refusals     integer NOT NULL DEFAULT 0 CHECK (refusals >= 0),
        ADD COLUMN refused_step text CHECK (length(refused_step) <= 40),
        ADD COLUMN refused_sw   text CHECK (refused_sw ~ '^[0-9A-F]{4}$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE personalisation DROP COLUMN refused_sw, DROP COLUMN refused_step, DROP COLUMN refusals`);
    await q.query(`UPDATE issuance_request SET state = 'failed' WHERE state = 'failed-card'`);
    await q.query(`ALTER TABLE issuance_request DROP CONSTRAINT issuance_request_state_check`);
    await q.query(`ALTER TABLE issuance_request ADD CONSTRAINT issuance_request_state_check CHECK (state IN (${list(STATES)}))`);
  }
}
