import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Updates of issued cards (docs/card-updates.md): an officer, the expiry sweep or an identity change
 * queues work for a card that is issued or active; a card worker runs it the next time the card is
 * in one of its readers. At most one open update per card. Only public data is kept here (the
 * value of a data object to write, certificate serials); keys stay in the VSC escrow.
 */
export class CardUpdates1764810000000 implements MigrationInterface {
  name = 'CardUpdates1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE card_update (
        id            uuid PRIMARY KEY,
        card_id       uuid NOT NULL REFERENCES card(id),
        kind          text NOT NULL CHECK (kind IN ('renew', 'rekey', 'put-object')),
        slot          text CHECK (slot ~ '^[0-9a-f]{2}$'),
        object_tag    text CHECK (object_tag ~ '^[0-9a-f]{2,8}$'),
        object_value  bytea CHECK (length(object_value) <= 65536),
        state         text NOT NULL CHECK (state IN ('awaiting-approval', 'pending', 'running', 'done', 'failed', 'cancelled')),
        origin        text NOT NULL CHECK (origin IN ('officer', 'expiry', 'identity-change')),
        reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
        requested_by  text NOT NULL,
        approved_by   text,
        worker_id     uuid,
        attempt       integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
        vsc_version   integer,
        prepared      jsonb,
        proof_nonce   bytea,
        failure       text CHECK (length(failure) <= 500),
        created_at    timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL,
        finished_at   timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX card_update_one_open ON card_update (card_id) WHERE state IN ('awaiting-approval', 'pending', 'running')`,
    );
    await q.query(`CREATE INDEX card_update_state ON card_update (state, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE card_update`);
  }
}
