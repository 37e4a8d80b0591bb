import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Card jobs are leased by the API, no longer taken from Redis by workers: a lease ties an
 * awaiting-card request to one worker, its workstation, one reader and the card it reported there,
 * until it expires. Every claim a worker makes is logged (accepted, or the refusal's code), for the
 * per-minute claim limit; the suspicious refusals (not leased, bound to another worker, over the
 * rate) suspend a worker that keeps making them.
 */
export class CardLeases1764700000000 implements MigrationInterface {
  name = 'CardLeases1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE card_lease (
        request_id   uuid PRIMARY KEY REFERENCES issuance_request(id),
        worker_id    uuid NOT NULL REFERENCES card_worker(id),
        workstation  integer NOT NULL,
        reader       text NOT NULL CHECK (length(reader) BETWEEN 1 AND 200),
        serial       text NOT NULL,
        atr          text NOT NULL,
        leased_at    timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL
      )`);
    // One lease per reader of a worker: a new card in the reader replaces the lease of the old one.
    await q.query(`CREATE UNIQUE INDEX card_lease_reader ON card_lease (worker_id, reader)`);
    await q.query(`
      CREATE TABLE worker_claim (
        id         bigserial PRIMARY KEY,
        worker_id  uuid NOT NULL REFERENCES card_worker(id),
        request_id uuid,
        outcome    text NOT NULL,
        suspicious boolean NOT NULL,
        at         timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX worker_claim_recent ON worker_claim (worker_id, at)`);
    // The pool of card jobs: requests waiting for a blank card, oldest first.
    await q.query(
      `CREATE INDEX issuance_request_awaiting_card ON issuance_request (created_at) WHERE state = 'awaiting-card' AND card_id IS NULL`,
    );
    await q.query(`ALTER TABLE card_worker DROP CONSTRAINT card_worker_status_check`);
    await q.query(
      `ALTER TABLE card_worker ADD CONSTRAINT card_worker_status_check CHECK (status IN ('pending', 'approved', 'suspended', 'revoked'))`,
    );
    await q.query(`ALTER TABLE card_worker ADD COLUMN suspended_reason text`);
    // Card jobs no longer go through Redis: the outbox has nothing left to relay for them.
    await q.query(`UPDATE outbox SET done_at = now() WHERE queue = 'cards' AND done_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE card_worker SET status = 'revoked' WHERE status = 'suspended'`);
    await q.query(`ALTER TABLE card_worker DROP COLUMN suspended_reason`);
    await q.query(`ALTER TABLE card_worker DROP CONSTRAINT card_worker_status_check`);
    await q.query(`ALTER TABLE card_worker ADD CONSTRAINT card_worker_status_check CHECK (status IN ('pending', 'approved', 'revoked'))`);
    await q.query(`DROP INDEX issuance_request_awaiting_card`);
    await q.query(`DROP TABLE worker_claim`);
    await q.query(`DROP TABLE card_lease`);
  }
}
