import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The help desk's flows (issue 8): card reports (lost, stolen, damaged, left at home) and their
 * closing when a card is found; temporary cards made from escrow and served by an enrolled host;
 * reissues onto a new card; key recoveries for data recovery (the PKCS#12 itself is never
 * stored); PIN unblock sessions, which are activation sessions with another purpose.
 */
export class Helpdesk1764550000000 implements MigrationInterface {
  name = 'Helpdesk1764550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE card_report (
        id            uuid PRIMARY KEY,
        card_id       uuid NOT NULL REFERENCES card(id),
        reason        text NOT NULL CHECK (reason IN ('lost', 'stolen', 'damaged', 'left-at-home')),
        state         text NOT NULL CHECK (state IN ('open', 'found', 'closed')),
        card_state    text NOT NULL,
        comment       text CHECK (length(comment) <= 500),
        reported_by   text NOT NULL,
        reported_at   timestamptz NOT NULL,
        closed_by     text,
        closed_at     timestamptz
      )`);
    // One open report per card: the second report of the same card is a conflict, not a second story.
    await q.query(`CREATE UNIQUE INDEX card_report_open ON card_report (card_id) WHERE state = 'open'`);
    await q.query(`
      CREATE TABLE temporary_card (
        id              uuid PRIMARY KEY REFERENCES vsc(id),
        cardholder_id   uuid NOT NULL REFERENCES cardholder(id),
        card_id         uuid REFERENCES card(id),
        source_vsc_id   uuid NOT NULL REFERENCES vsc(id),
        source_version  integer NOT NULL,
        host_worker_id  uuid NOT NULL REFERENCES card_worker(id),
        approval_id     uuid NOT NULL UNIQUE REFERENCES approval_request(id),
        state           text NOT NULL CHECK (state IN ('issued', 'active', 'revoked', 'expired')),
        expires_at      timestamptz NOT NULL,
        pin_tries       integer NOT NULL CHECK (pin_tries BETWEEN 1 AND 15),
        pin_remaining   integer NOT NULL CHECK (pin_remaining >= 0),
        requested_by    text NOT NULL,
        created_at      timestamptz NOT NULL,
        activated_at    timestamptz,
        activated_by    text,
        closed_at       timestamptz,
        close_reason    text
      )`);
    // A cardholder holds at most one temporary card at a time.
    await q.query(`CREATE UNIQUE INDEX temporary_card_open ON temporary_card (cardholder_id) WHERE state IN ('issued', 'active')`);
    await q.query(`CREATE INDEX temporary_card_expiry ON temporary_card (expires_at) WHERE state IN ('issued', 'active')`);
    await q.query(`
      CREATE TABLE reissue (
        id              uuid PRIMARY KEY,
        old_card_id     uuid NOT NULL REFERENCES card(id),
        cardholder_id   uuid NOT NULL REFERENCES cardholder(id),
        reason          text NOT NULL,
        approval_id     uuid NOT NULL UNIQUE REFERENCES approval_request(id),
        request_id      uuid NOT NULL UNIQUE REFERENCES issuance_request(id),
        source_vsc_id   uuid NOT NULL REFERENCES vsc(id),
        source_version  integer NOT NULL,
        state           text NOT NULL CHECK (state IN ('awaiting-card', 'completed', 'failed')),
        requested_by    text NOT NULL,
        created_at      timestamptz NOT NULL,
        closed_at       timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX reissue_open ON reissue (old_card_id) WHERE state = 'awaiting-card'`);
    await q.query(`
      CREATE TABLE key_recovery (
        id             uuid PRIMARY KEY,
        cardholder_id  uuid NOT NULL REFERENCES cardholder(id),
        card_id        uuid REFERENCES card(id),
        approval_id    uuid NOT NULL UNIQUE REFERENCES approval_request(id),
        reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 300),
        state          text NOT NULL CHECK (state IN ('approved', 'delivered')),
        requested_by   uuid NOT NULL REFERENCES app_user(id),
        created_at     timestamptz NOT NULL,
        delivered_at   timestamptz,
        keys           jsonb NOT NULL DEFAULT '[]'::jsonb
      )`);
    await q.query(
      `ALTER TABLE activation_session ADD COLUMN purpose text NOT NULL DEFAULT 'activation' CHECK (purpose IN ('activation', 'unblock'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE activation_session DROP COLUMN purpose`);
    for (const t of ['key_recovery', 'reissue', 'temporary_card', 'card_report']) await q.query(`DROP TABLE ${t}`);
  }
}
