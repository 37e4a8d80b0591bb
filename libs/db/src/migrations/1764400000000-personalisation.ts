import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issuance, part 2: personalisation attempts and their step log (what the worker reported, for
 * progress and resumption), card PUKs sealed under the HSM (never in clear), and activation
 * sessions opened by an officer or the help desk after an identity check.
 */
export class Personalisation1764400000000 implements MigrationInterface {
  name = 'Personalisation1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE personalisation (
        request_id      uuid PRIMARY KEY REFERENCES issuance_request(id),
        card_id         uuid NOT NULL REFERENCES card(id),
        worker_id       uuid NOT NULL REFERENCES card_worker(id),
        attempt         integer NOT NULL CHECK (attempt >= 1),
        steps_total     integer,
        steps_done      integer NOT NULL DEFAULT 0,
        last_step       text,
        management_key  text NOT NULL DEFAULT 'transport' CHECK (management_key IN ('transport', 'diversified')),
        proof_nonce     bytea,
        decrypt_check   bytea CHECK (decrypt_check IS NULL OR length(decrypt_check) = 32),
        started_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX personalisation_card ON personalisation (card_id)`);
    await q.query(`
      CREATE TABLE personalisation_step (
        id          bigserial PRIMARY KEY,
        request_id  uuid NOT NULL REFERENCES issuance_request(id),
        card_id     uuid REFERENCES card(id),
        worker_id   uuid REFERENCES card_worker(id),
        attempt     integer NOT NULL,
        step        text NOT NULL CHECK (length(step) <= 40),
        outcome     text NOT NULL CHECK (outcome IN ('started', 'done', 'skipped', 'failed')),
        details     jsonb NOT NULL DEFAULT '{}'::jsonb,
        at          timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX personalisation_step_request ON personalisation_step (request_id, id)`);
    await q.query(`
      CREATE TABLE card_credential (
        card_id     uuid PRIMARY KEY REFERENCES card(id),
        puk_sealed  bytea NOT NULL CHECK (length(puk_sealed) >= 28),
        puk_key     text NOT NULL,
        created_at  timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE activation_session (
        id              uuid PRIMARY KEY,
        card_id         uuid NOT NULL REFERENCES card(id),
        workstation     integer NOT NULL CHECK (workstation BETWEEN 0 AND 999),
        identity_check  text NOT NULL CHECK (length(identity_check) BETWEEN 1 AND 200),
        state           text NOT NULL CHECK (state IN ('open', 'completed', 'failed', 'cancelled', 'expired')),
        started_by      text NOT NULL,
        worker_id       uuid REFERENCES card_worker(id),
        failure         text,
        created_at      timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL,
        closed_at       timestamptz
      )`);
    // One open activation per card: a second officer cannot race the first.
    await q.query(`CREATE UNIQUE INDEX activation_session_open ON activation_session (card_id) WHERE state = 'open'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['activation_session', 'card_credential', 'personalisation_step', 'personalisation']) await q.query(`DROP TABLE ${t}`);
  }
}
