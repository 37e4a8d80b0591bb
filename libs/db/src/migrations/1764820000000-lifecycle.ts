import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * After issuance (docs/lifecycle.md): leavers and the purge of their escrow, versioned card profiles
 * edited under dual control, and the card capabilities a profile needs.
 *
 * - `cardholder_termination`: when and why a cardholder was terminated, and until when their escrowed
 *   keys stay recoverable (the retention period of the escrow policy).
 * - `escrow_purge`: the record of a purge (dual control), naming every VSC version it emptied and the
 *   archive volume that still holds its write-once copy.
 * - `vsc_version.purged_at`: a purged version keeps its hash and labels but its content is emptied.
 *   The seal trigger allows exactly that one change, once: content to zero bytes with purged_at and
 *   purge_id set; nothing else of a sealed version ever changes, and no row is deleted.
 * - `card_profile.version` and `card_profile_version`: every approved version of every profile;
 *   `issuance_request.profile_version` is the version a request (and its card) was issued with.
 */
export class Lifecycle1764820000000 implements MigrationInterface {
  name = 'Lifecycle1764820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cardholder_termination (
        cardholder_id  uuid PRIMARY KEY REFERENCES cardholder(id),
        reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
        terminated_by  text NOT NULL,
        terminated_at  timestamptz NOT NULL,
        retain_until   timestamptz NOT NULL,
        summary        jsonb NOT NULL DEFAULT '{}',
        purged_at      timestamptz
      )`);
    await q.query(`
      CREATE TABLE escrow_purge (
        id             uuid PRIMARY KEY,
        cardholder_id  uuid NOT NULL UNIQUE REFERENCES cardholder_termination(cardholder_id),
        approval_id    uuid NOT NULL REFERENCES approval_request(id),
        proposed_by    text NOT NULL,
        approved_by    text NOT NULL,
        purged_at      timestamptz NOT NULL,
        versions       jsonb NOT NULL
      )`);
    // Purge records are history: never changed, never deleted.
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON escrow_purge FROM scm_app`);
    await q.query(`REVOKE DELETE, TRUNCATE ON cardholder_termination FROM scm_app`);

    await q.query(`ALTER TABLE vsc_version ADD COLUMN purged_at timestamptz, ADD COLUMN purge_id uuid REFERENCES escrow_purge(id)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION vsc_version_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'vsc_version rows are never deleted'; END IF;
        IF NEW.vsc_id IS DISTINCT FROM OLD.vsc_id OR NEW.version IS DISTINCT FROM OLD.version
           OR NEW.sha256 IS DISTINCT FROM OLD.sha256 OR NEW.kek_label IS DISTINCT FROM OLD.kek_label
           OR NEW.recovery_label IS DISTINCT FROM OLD.recovery_label THEN
          RAISE EXCEPTION 'a sealed VSC version never changes';
        END IF;
        IF OLD.purged_at IS NOT NULL AND (NEW.purged_at IS DISTINCT FROM OLD.purged_at OR NEW.purge_id IS DISTINCT FROM OLD.purge_id
           OR NEW.content IS DISTINCT FROM OLD.content) THEN
          RAISE EXCEPTION 'a purged VSC version stays purged';
        END IF;
        IF NEW.content IS DISTINCT FROM OLD.content
           AND NOT (OLD.purged_at IS NULL AND NEW.purged_at IS NOT NULL AND NEW.purge_id IS NOT NULL AND length(NEW.content) = 0) THEN
          RAISE EXCEPTION 'a sealed VSC version never changes (only a recorded purge empties it)';
        END IF;
        IF OLD.purged_at IS NULL AND NEW.purged_at IS NOT NULL AND (NEW.purge_id IS NULL OR length(NEW.content) <> 0) THEN
          RAISE EXCEPTION 'a purge empties the content and names its purge record';
        END IF;
        RETURN NEW;
      END $$`);

    await q.query(`ALTER TABLE card_profile ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1)`);
    await q.query(`
      CREATE TABLE card_profile_version (
        profile_id   text NOT NULL REFERENCES card_profile(id),
        version      integer NOT NULL CHECK (version >= 1),
        description  text NOT NULL,
        definition   jsonb NOT NULL,
        proposed_by  text NOT NULL,
        approved_by  text,
        approval_id  uuid REFERENCES approval_request(id),
        created_at   timestamptz NOT NULL,
        PRIMARY KEY (profile_id, version)
      )`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON card_profile_version FROM scm_app`);
    // The seeded profiles escrow 9D (generated on the VSC, imported into the card): they need cards that import keys.
    await q.query(
      `UPDATE card_profile SET definition = definition || '{"cardCapabilities": ["import-key"]}'::jsonb
        WHERE EXISTS (SELECT 1 FROM jsonb_each(definition->'slots') s WHERE s.value->>'escrow' IN ('escrow', 'regenerate'))`,
    );
    await q.query(
      `INSERT INTO card_profile_version (profile_id, version, description, definition, proposed_by, created_at)
       SELECT id, 1, description, definition, 'migration', created_at FROM card_profile`,
    );
    await q.query(`ALTER TABLE issuance_request ADD COLUMN profile_version integer`);
    await q.query(`UPDATE issuance_request SET profile_version = 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE issuance_request DROP COLUMN profile_version`);
    await q.query(`DROP TABLE card_profile_version`);
    await q.query(`UPDATE card_profile SET definition = definition - 'cardCapabilities'`);
    await q.query(`ALTER TABLE card_profile DROP COLUMN version`);
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
    await q.query(`ALTER TABLE vsc_version DROP COLUMN purge_id, DROP COLUMN purged_at`);
    await q.query(`DROP TABLE escrow_purge`);
    await q.query(`DROP TABLE cardholder_termination`);
  }
}
