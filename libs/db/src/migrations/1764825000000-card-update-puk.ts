import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PUK rotation as a card update (docs/card-updates.md): the new PUK, sealed under the HSM's PUK
 * key and bound to the card (like card_credential.puk_sealed), is kept on the update while it is
 * open; it replaces the card's PUK in card_credential only once the card has taken it.
 */
export class CardUpdatePuk1764825000000 implements MigrationInterface {
  name = 'CardUpdatePuk1764825000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE card_update DROP CONSTRAINT IF EXISTS card_update_kind_check`);
    await q.query(
      `ALTER TABLE card_update ADD CONSTRAINT card_update_kind_check CHECK (kind IN ('renew', 'rekey', 'put-object', 'rotate-puk'))`,
    );
    await q.query(`ALTER TABLE card_update ADD COLUMN puk_sealed bytea CHECK (length(puk_sealed) >= 28)`);
    await q.query(`ALTER TABLE card_update ADD COLUMN puk_key text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE card_update DROP COLUMN puk_key`);
    await q.query(`ALTER TABLE card_update DROP COLUMN puk_sealed`);
    await q.query(`ALTER TABLE card_update DROP CONSTRAINT IF EXISTS card_update_kind_check`);
    await q.query(`ALTER TABLE card_update ADD CONSTRAINT card_update_kind_check CHECK (kind IN ('renew', 'rekey', 'put-object'))`);
  }
}
