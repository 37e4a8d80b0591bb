import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Separation of duties: a cardholder is `pending` until a second officer approves the registration;
 * each issuance consumes a sponsorship (an officer other than the requester vouched for the card),
 * recorded on the request.
 */
export class SeparationOfDuties1764720000000 implements MigrationInterface {
  name = 'SeparationOfDuties1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cardholder DROP CONSTRAINT IF EXISTS cardholder_status_check`);
    await q.query(`ALTER TABLE cardholder ADD CONSTRAINT cardholder_status_check CHECK (status IN ('pending', 'active', 'offboarded'))`);
    await q.query(`ALTER TABLE cardholder ADD COLUMN registered_by text`);
    await q.query(`ALTER TABLE cardholder ADD COLUMN sponsored_by text`);
    await q.query(`ALTER TABLE cardholder ADD COLUMN sponsored_at timestamptz`);
    await q.query(`ALTER TABLE issuance_request ADD COLUMN sponsored_by text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE issuance_request DROP COLUMN sponsored_by`);
    await q.query(`ALTER TABLE cardholder DROP COLUMN sponsored_at`);
    await q.query(`ALTER TABLE cardholder DROP COLUMN sponsored_by`);
    await q.query(`ALTER TABLE cardholder DROP COLUMN registered_by`);
    await q.query(`UPDATE cardholder SET status = 'active' WHERE status = 'pending'`);
    await q.query(`ALTER TABLE cardholder DROP CONSTRAINT cardholder_status_check`);
    await q.query(`ALTER TABLE cardholder ADD CONSTRAINT cardholder_status_check CHECK (status IN ('active', 'offboarded'))`);
  }
}
