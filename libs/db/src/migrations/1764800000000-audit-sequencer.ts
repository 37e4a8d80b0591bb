import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain appended by a sequencer (docs/trust.md): a command's transaction inserts its
 * events unchained (no seq, prev_hash or hash: no chain-wide lock in the request), and a sequencer
 * holding the chain's advisory lock places them in the chain in batches right after the commit.
 * `entry` is the insertion order the sequencer chains in. The application role keeps only INSERT
 * on audit_event (design invariant 3): it places events in the chain through
 * audit_place_events(), a function the schema owner defines (SECURITY DEFINER), which sets the
 * chain position (seq, prev_hash, hash) of events that have none and touches nothing else; the
 * trigger refuses any other change and every DELETE, whoever asks.
 */
export class AuditSequencer1764800000000 implements MigrationInterface {
  name = 'AuditSequencer1764800000000';

  async up(q: QueryRunner): Promise<void> {
    // Existing rows are all chained; the identity they get here is only their insertion order.
    await q.query(`ALTER TABLE audit_event ADD COLUMN entry bigserial NOT NULL`);
    await q.query(`ALTER TABLE audit_event DROP CONSTRAINT audit_event_pkey`);
    await q.query(`ALTER TABLE audit_event DROP CONSTRAINT audit_event_id_key`);
    await q.query(`ALTER TABLE audit_event ADD PRIMARY KEY (id)`);
    await q.query(
      `ALTER TABLE audit_event ALTER COLUMN seq DROP NOT NULL, ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL`,
    );
    await q.query(
      `ALTER TABLE audit_event ADD CONSTRAINT audit_event_chained CHECK ((seq IS NULL) = (hash IS NULL) AND (seq IS NULL) = (prev_hash IS NULL))`,
    );
    await q.query(`CREATE UNIQUE INDEX audit_event_seq ON audit_event (seq)`);
    // What the sequencer reads: the unchained events in insertion order (empty once they are chained).
    await q.query(`CREATE INDEX audit_event_unchained ON audit_event (entry) WHERE seq IS NULL`);
    // The UPDATE/DELETE trigger now lets one UPDATE through: an unchained event given its place in
    // the chain, nothing else of it changed. Any other change, any DELETE, is still refused.
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
           AND to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash' = to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash' THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_event is append-only (an event is placed in the chain once and never changed)';
      END $$`);
    // The only way an application session changes an audit row: giving unchained events their
    // place, once. The function runs as the schema owner; scm_app has no UPDATE on the table.
    await q.query(`
      CREATE FUNCTION audit_place_events(entries bigint[], seqs bigint[], prevs bytea[], hashes bytea[]) RETURNS integer
      LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        WITH placed AS (
          UPDATE public.audit_event e SET seq = c.seq, prev_hash = c.prev, hash = c.hash
            FROM unnest(entries, seqs, prevs, hashes) AS c(entry, seq, prev, hash)
           WHERE e.entry = c.entry AND e.seq IS NULL
          RETURNING 1)
        SELECT count(*)::integer FROM placed
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION audit_place_events(bigint[], bigint[], bytea[], bytea[]) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION audit_place_events(bigint[], bigint[], bytea[], bytea[]) TO scm_app`);
    await q.query(`GRANT USAGE ON SEQUENCE audit_event_entry_seq TO scm_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_place_events(bigint[], bigint[], bytea[], bytea[])`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$`);
    await q.query(`DROP INDEX audit_event_unchained`);
    await q.query(`DROP INDEX audit_event_seq`);
    await q.query(`ALTER TABLE audit_event DROP CONSTRAINT audit_event_chained`);
    // Fails while unchained events exist: chain them first (any API start does).
    await q.query(
      `ALTER TABLE audit_event ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL`,
    );
    await q.query(`ALTER TABLE audit_event DROP CONSTRAINT audit_event_pkey`);
    await q.query(`ALTER TABLE audit_event ADD PRIMARY KEY (seq)`);
    await q.query(`ALTER TABLE audit_event ADD CONSTRAINT audit_event_id_key UNIQUE (id)`);
    await q.query(`ALTER TABLE audit_event DROP COLUMN entry`);
  }
}
