import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Archive volumes (docs/operations.md, "Archive media"): each sealed volume with the SHA-256 of
 * its image, chained to the previous volume's; each escrowed VSC version archived in exactly one
 * volume; the archive key's certificate chain. Append-only, like the audit chain: a sealed
 * volume never changes (invariant 6).
 */
export class Archive1764200000000 implements MigrationInterface {
  name = 'Archive1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE archive_signer (
        key_label     text NOT NULL,
        serial        text NOT NULL,
        certificates  bytea[] NOT NULL CHECK (cardinality(certificates) >= 1),
        not_after     timestamptz NOT NULL,
        created_at    timestamptz NOT NULL,
        PRIMARY KEY (key_label, serial)
      )`);
    await q.query(`
      CREATE TABLE archive_volume (
        volume              integer PRIMARY KEY CHECK (volume >= 1),
        volume_id           text NOT NULL UNIQUE,
        image_name          text NOT NULL,
        sidecar_name        text NOT NULL,
        directory           text NOT NULL,
        image_sha256        bytea NOT NULL UNIQUE CHECK (length(image_sha256) = 32),
        image_size          bigint NOT NULL CHECK (image_size > 0),
        manifest_sha256     bytea NOT NULL CHECK (length(manifest_sha256) = 32),
        previous_volume     integer,
        previous_sha256     bytea,
        audit_seq           bigint NOT NULL,
        audit_head_hash     bytea NOT NULL CHECK (length(audit_head_hash) = 32),
        signer_key          text NOT NULL,
        signer_cert_sha256  bytea NOT NULL CHECK (length(signer_cert_sha256) = 32),
        entries             integer NOT NULL CHECK (entries >= 1),
        created_at          timestamptz NOT NULL,
        UNIQUE (volume, image_sha256),
        -- Volumes form a chain: each names the image hash of the one before it.
        CHECK ((volume = 1 AND previous_volume IS NULL AND previous_sha256 IS NULL)
            OR (volume > 1 AND previous_volume = volume - 1 AND previous_sha256 IS NOT NULL)),
        FOREIGN KEY (previous_volume, previous_sha256) REFERENCES archive_volume (volume, image_sha256)
      )`);
    await q.query(`
      CREATE TABLE archive_entry (
        vsc_id       uuid NOT NULL,
        version      integer NOT NULL,
        volume       integer NOT NULL REFERENCES archive_volume (volume),
        path         text NOT NULL,
        sha256       bytea NOT NULL CHECK (length(sha256) = 32),
        size         integer NOT NULL CHECK (size > 0),
        card_serial  text,
        -- Exactly one volume per VSC version.
        PRIMARY KEY (vsc_id, version),
        FOREIGN KEY (vsc_id, version) REFERENCES vsc_version (vsc_id, version),
        UNIQUE (volume, path)
      )`);
    await q.query(`CREATE INDEX archive_entry_volume ON archive_entry (volume)`);
    // What is archived is what was escrowed, byte for byte.
    await q.query(`
      CREATE OR REPLACE FUNCTION archive_entry_matches_escrow() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM vsc_version v WHERE v.vsc_id = NEW.vsc_id AND v.version = NEW.version AND v.sha256 = NEW.sha256) THEN
          RAISE EXCEPTION 'archive entry % v% does not match the escrowed version', NEW.vsc_id, NEW.version;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER archive_entry_matches_escrow BEFORE INSERT ON archive_entry FOR EACH ROW EXECUTE FUNCTION archive_entry_matches_escrow()`,
    );
    for (const t of ['archive_signer', 'archive_volume', 'archive_entry']) {
      await q.query(`REVOKE ALL ON ${t} FROM scm_app`);
      await q.query(`GRANT SELECT, INSERT ON ${t} TO scm_app`);
      await q.query(`
        CREATE OR REPLACE FUNCTION ${t}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '${t} is append-only: a sealed volume never changes'; END $$`);
      await q.query(`CREATE TRIGGER ${t}_no_update BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION ${t}_append_only()`);
      await q.query(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION ${t}_append_only()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['archive_entry', 'archive_volume', 'archive_signer']) {
      await q.query(`DROP TABLE ${t}`);
      await q.query(`DROP FUNCTION ${t}_append_only()`);
    }
    await q.query(`DROP FUNCTION archive_entry_matches_escrow()`);
  }
}
