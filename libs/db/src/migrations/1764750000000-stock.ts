import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Card stock (docs/stock.md): batches of blank cards an officer registered, each card with its
 * transport key wrapped under the HSM's stock key (never in clear here); the one-use proofs a
 * card gives of its transport key before a worker may bind it; and the PIV attestations of
 * on-card keys, kept beside their certificates.
 */
export class Stock1764750000000 implements MigrationInterface {
  name = 'Stock1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stock_batch (
        id                   uuid PRIMARY KEY,
        name                 text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
        kind                 text NOT NULL CHECK (kind IN ('manifest', 'development')),
        vendor               text CHECK (length(vendor) <= 100),
        transport_algorithm  text NOT NULL CHECK (transport_algorithm IN ('3des', 'aes128', 'aes192', 'aes256')),
        wrapping_key         text NOT NULL,
        attestation_root     bytea,
        manifest_sha256      bytea,
        card_count           integer NOT NULL CHECK (card_count >= 0),
        imported_by          text NOT NULL,
        imported_at          timestamptz NOT NULL
      )`);
    // One development batch at most: the factory default key, for development machines only.
    await q.query(`CREATE UNIQUE INDEX stock_batch_one_development ON stock_batch (kind) WHERE kind = 'development'`);
    await q.query(`
      CREATE TABLE stock_card (
        serial                 text PRIMARY KEY CHECK (serial ~ '^[0-9A-Za-z_-]{1,64}$'),
        batch_id               uuid NOT NULL REFERENCES stock_batch(id),
        transport_key_wrapped  bytea CHECK (transport_key_wrapped IS NULL OR length(transport_key_wrapped) BETWEEN 24 AND 64),
        destroyed_at           timestamptz,
        destroyed_by           text,
        created_at             timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX stock_card_batch ON stock_card (batch_id)`);
    await q.query(`
      CREATE TABLE stock_card_proof (
        id               uuid PRIMARY KEY,
        serial           text NOT NULL REFERENCES stock_card(serial),
        request_id       uuid NOT NULL REFERENCES issuance_request(id),
        worker_id        uuid NOT NULL REFERENCES card_worker(id),
        algorithm        text NOT NULL,
        expected_sha256  bytea NOT NULL CHECK (length(expected_sha256) = 32),
        created_at       timestamptz NOT NULL,
        expires_at       timestamptz NOT NULL,
        used_at          timestamptz
      )`);
    await q.query(`
      CREATE TABLE on_card_attestation (
        certificate_serial  text PRIMARY KEY,
        request_id          uuid NOT NULL REFERENCES issuance_request(id),
        card_serial         text NOT NULL,
        slot                text NOT NULL,
        attestation         bytea NOT NULL,
        intermediate        bytea NOT NULL,
        created_at          timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['on_card_attestation', 'stock_card_proof', 'stock_card', 'stock_batch']) await q.query(`DROP TABLE ${t}`);
  }
}
