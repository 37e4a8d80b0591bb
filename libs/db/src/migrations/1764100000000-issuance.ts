import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issuance, part 1: cardholders, card profiles (seeded: "default" escrows 9D only, "seed" escrows
 * every slot), issuance batches and requests with their state history, managed VSCs and their
 * sealed versions (the escrow copies), the issuing CA's state (authorities, certificates, CRLs),
 * and cards with their lifecycle history.
 */
export class Issuance1764100000000 implements MigrationInterface {
  name = 'Issuance1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cardholder (
        id          uuid PRIMARY KEY,
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        email       text CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
        upn         text CHECK (upn ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
        org_ids     text[] NOT NULL DEFAULT '{}',
        status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'offboarded')),
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
    // A UPN names one person: it goes into the 9A certificate and into logon.
    await q.query(`CREATE UNIQUE INDEX cardholder_upn ON cardholder (lower(upn)) WHERE upn IS NOT NULL`);
    await q.query(`CREATE INDEX cardholder_email ON cardholder (lower(email))`);
    await q.query(`CREATE INDEX cardholder_name ON cardholder (lower(name))`);

    await q.query(`
      CREATE TABLE card_profile (
        id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
        description text NOT NULL,
        definition  jsonb NOT NULL,
        is_default  boolean NOT NULL DEFAULT false,
        created_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX card_profile_one_default ON card_profile (is_default) WHERE is_default`);
    await q.query(
      `INSERT INTO card_profile (id, description, definition, is_default, created_at) VALUES ($1, $2, $3, true, now()), ($4, $5, $6, false, now())`,
      [
        'default',
        'PIV per FIPS 201-3 and SP 800-57: 9A, 9C and 9E generated on the card; only the key-management key 9D is escrowed',
        JSON.stringify(DEFAULT_PROFILE),
        'seed',
        'The seed VSC model: every slot generated on the VSC and escrowed (signature keys have copies: a deliberate choice)',
        JSON.stringify(SEED_PROFILE),
      ],
    );

    await q.query(`
      CREATE TABLE issuance_batch (
        id          uuid PRIMARY KEY,
        reference   text UNIQUE CHECK (reference ~ '^[A-Za-z0-9_.:-]{1,100}$'),
        size        integer NOT NULL CHECK (size >= 1),
        created_by  text NOT NULL,
        created_at  timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE issuance_request (
        id                uuid PRIMARY KEY,
        batch_id          uuid REFERENCES issuance_batch(id),
        cardholder_id     uuid NOT NULL REFERENCES cardholder(id),
        profile_id        text NOT NULL REFERENCES card_profile(id),
        profile           jsonb NOT NULL,
        state             text NOT NULL CHECK (state IN ('requested', 'keys-generated', 'escrowed', 'awaiting-card', 'personalising', 'verifying', 'issued', 'failed', 'cancelled')),
        state_changed_at  timestamptz NOT NULL,
        failure           text,
        worker_id         uuid REFERENCES card_worker(id),
        card_id           uuid,
        created_by        text NOT NULL,
        created_at        timestamptz NOT NULL
      )`);
    // One open request per cardholder: a batch sent twice does not issue twice.
    await q.query(
      `CREATE UNIQUE INDEX issuance_request_open ON issuance_request (cardholder_id) WHERE state NOT IN ('issued', 'failed', 'cancelled')`,
    );
    await q.query(`CREATE INDEX issuance_request_batch ON issuance_request (batch_id)`);
    await q.query(`CREATE INDEX issuance_request_state ON issuance_request (state, state_changed_at)`);
    await q.query(`
      CREATE TABLE issuance_request_event (
        id          bigserial PRIMARY KEY,
        request_id  uuid NOT NULL REFERENCES issuance_request(id),
        from_state  text,
        to_state    text NOT NULL,
        at          timestamptz NOT NULL,
        actor       text NOT NULL,
        details     jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX issuance_request_event_request ON issuance_request_event (request_id, id)`);

    await q.query(`
      CREATE TABLE vsc (
        id               uuid PRIMARY KEY,
        kind             text NOT NULL CHECK (kind IN ('escrow', 'temporary', 'standalone', 'backup')),
        label            text NOT NULL,
        request_id       uuid UNIQUE REFERENCES issuance_request(id),
        cardholder_id    uuid REFERENCES cardholder(id),
        parent_id        uuid REFERENCES vsc(id),
        current_version  integer NOT NULL CHECK (current_version >= 1),
        state            jsonb NOT NULL,
        created_at       timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE vsc_version (
        vsc_id          uuid NOT NULL REFERENCES vsc(id),
        version         integer NOT NULL CHECK (version >= 1),
        content         bytea NOT NULL,
        sha256          bytea NOT NULL UNIQUE CHECK (length(sha256) = 32),
        size            integer NOT NULL,
        kek_label       text NOT NULL,
        recovery_label  text NOT NULL,
        reason          text NOT NULL,
        created_at      timestamptz NOT NULL,
        escrowed_at     timestamptz,
        PRIMARY KEY (vsc_id, version)
      )`);
    // A sealed version never changes and is never deleted (archive volumes hash it).
    await q.query(`REVOKE DELETE, TRUNCATE ON vsc_version FROM scm_app`);
    await q.query(`
      CREATE OR REPLACE FUNCTION vsc_version_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'vsc_version rows are never deleted'; END IF;
        IF NEW.vsc_id IS DISTINCT FROM OLD.vsc_id OR NEW.version IS DISTINCT FROM OLD.version OR NEW.content IS DISTINCT FROM OLD.content
           OR NEW.sha256 IS DISTINCT FROM OLD.sha256 OR NEW.kek_label IS DISTINCT FROM OLD.kek_label OR NEW.recovery_label IS DISTINCT FROM OLD.recovery_label THEN
          RAISE EXCEPTION 'a sealed VSC version never changes';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER vsc_version_sealed BEFORE UPDATE OR DELETE ON vsc_version FOR EACH ROW EXECUTE FUNCTION vsc_version_sealed()`,
    );

    await q.query(`
      CREATE TABLE ca_authority (
        ca_id       text PRIMARY KEY,
        role        text NOT NULL CHECK (role IN ('root', 'issuing', 'content-signer')),
        der         bytea NOT NULL,
        key_label   text,
        parent_id   text REFERENCES ca_authority(ca_id),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE ca_certificate (
        ca_id            text NOT NULL REFERENCES ca_authority(ca_id),
        serial           text NOT NULL CHECK (serial ~ '^[0-9a-f]+$'),
        template         text NOT NULL,
        subject          text NOT NULL,
        not_before       timestamptz NOT NULL,
        not_after        timestamptz NOT NULL,
        der              bytea NOT NULL,
        status           text NOT NULL CHECK (status IN ('valid', 'on-hold', 'revoked')),
        reason           text,
        revoked_at       timestamptz,
        invalidity_date  timestamptz,
        reference        jsonb,
        created_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (ca_id, serial)
      )`);
    await q.query(`CREATE INDEX ca_certificate_request ON ca_certificate ((reference->>'requestId'))`);
    await q.query(`CREATE INDEX ca_certificate_listed ON ca_certificate (ca_id, not_after) WHERE status <> 'valid'`);
    await q.query(`
      CREATE TABLE ca_crl_number (
        ca_id        text PRIMARY KEY REFERENCES ca_authority(ca_id),
        last_number  bigint NOT NULL
      )`);
    await q.query(`
      CREATE TABLE ca_crl (
        ca_id        text NOT NULL REFERENCES ca_authority(ca_id),
        crl_number   bigint NOT NULL,
        this_update  timestamptz NOT NULL,
        next_update  timestamptz NOT NULL,
        der          bytea NOT NULL,
        PRIMARY KEY (ca_id, crl_number)
      )`);

    await q.query(`
      CREATE TABLE card (
        id                uuid PRIMARY KEY,
        serial            text,
        atr               bytea,
        state             text NOT NULL CHECK (state IN ('blank', 'personalising', 'issued', 'active', 'suspended', 'lost', 'stolen', 'damaged', 'replaced', 'spoiled', 'terminated', 'expired')),
        cardholder_id     uuid REFERENCES cardholder(id),
        request_id        uuid REFERENCES issuance_request(id),
        vsc_id            uuid REFERENCES vsc(id),
        stock_batch       text,
        state_changed_at  timestamptz NOT NULL,
        created_at        timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX card_serial ON card (serial) WHERE serial IS NOT NULL`);
    // Invariant 5: one request ends on at most one card (a spoiled card does not count).
    await q.query(`CREATE UNIQUE INDEX card_request ON card (request_id) WHERE request_id IS NOT NULL AND state <> 'spoiled'`);
    await q.query(`
      CREATE TABLE card_event (
        id          bigserial PRIMARY KEY,
        card_id     uuid NOT NULL REFERENCES card(id),
        from_state  text,
        to_state    text NOT NULL,
        at          timestamptz NOT NULL,
        actor       text NOT NULL,
        details     jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX card_event_card ON card_event (card_id, id)`);
    await q.query(`ALTER TABLE issuance_request ADD CONSTRAINT issuance_request_card FOREIGN KEY (card_id) REFERENCES card(id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE issuance_request DROP CONSTRAINT issuance_request_card`);
    for (const t of [
      'card_event',
      'card',
      'ca_crl',
      'ca_crl_number',
      'ca_certificate',
      'ca_authority',
      'vsc_version',
      'vsc',
      'issuance_request_event',
      'issuance_request',
      'issuance_batch',
      'card_profile',
      'cardholder',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
    await q.query(`DROP FUNCTION vsc_version_sealed()`);
  }
}

/** The profiles as seeded; apps/issuer-api/src/issuance/profiles/card-profile.ts validates the same shape. */
const DEFAULT_PROFILE = {
  slots: {
    '9a': { algorithm: 'p256', template: 'piv-authentication', escrow: 'on-card' },
    '9c': { algorithm: 'p256', template: 'piv-digital-signature', escrow: 'on-card' },
    '9d': { algorithm: 'rsa2048', template: 'piv-key-management', escrow: 'escrow' },
    '9e': { algorithm: 'p256', template: 'piv-card-authentication', escrow: 'on-card' },
  },
  pin: { minLength: 6, maxLength: 8, tries: 3 },
  puk: { length: 8, tries: 3 },
  managementKey: { algorithm: 'aes192' },
  validityDays: 1095,
};

const SEED_PROFILE = {
  slots: {
    '9a': { algorithm: 'rsa2048', template: 'piv-authentication', escrow: 'escrow' },
    '9c': { algorithm: 'p256', template: 'piv-digital-signature', escrow: 'escrow' },
    '9d': { algorithm: 'rsa2048', template: 'piv-key-management', escrow: 'escrow' },
    '9e': { algorithm: 'p256', template: 'piv-card-authentication', escrow: 'escrow' },
  },
  pin: { minLength: 6, maxLength: 8, tries: 3 },
  puk: { length: 8, tries: 3 },
  managementKey: { algorithm: 'aes192' },
  validityDays: 1095,
};
