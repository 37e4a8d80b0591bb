import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity and roles, sessions, dual-control approvals, enrolled card workers, the audit chain
 * (append-only for the application role) and the transactional outbox.
 */
export class Trust1764032400000 implements MigrationInterface {
  name = 'Trust1764032400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_user (
        id                   uuid PRIMARY KEY,
        username             text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
        display_name         text NOT NULL,
        password_hash        text NOT NULL,
        disabled             boolean NOT NULL DEFAULT false,
        created_at           timestamptz NOT NULL,
        password_changed_at  timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE user_role (
        id           uuid PRIMARY KEY,
        user_id      uuid NOT NULL REFERENCES app_user(id),
        role         text NOT NULL CHECK (role IN ('security-officer', 'help-desk', 'auditor', 'admin')),
        status       text NOT NULL CHECK (status IN ('pending', 'active', 'rejected', 'revoked')),
        requested_by uuid REFERENCES app_user(id),
        requested_at timestamptz NOT NULL,
        approval_id  uuid,
        decided_by   uuid REFERENCES app_user(id),
        decided_at   timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX user_role_live ON user_role (user_id, role) WHERE status IN ('pending', 'active')`);
    await q.query(`
      CREATE TABLE login_throttle (
        key            text PRIMARY KEY,
        failures       integer NOT NULL,
        window_start   timestamptz NOT NULL,
        locked_until   timestamptz
      )`);
    await q.query(`
      CREATE TABLE session (
        id              uuid PRIMARY KEY,
        token_hash      bytea NOT NULL UNIQUE,
        principal_kind  text NOT NULL CHECK (principal_kind IN ('user', 'worker')),
        principal_id    uuid NOT NULL,
        created_at      timestamptz NOT NULL,
        last_seen_at    timestamptz NOT NULL,
        idle_expires_at timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL,
        revoked_at      timestamptz,
        address         text,
        user_agent      text
      )`);
    await q.query(`CREATE INDEX session_principal ON session (principal_kind, principal_id)`);
    await q.query(`
      CREATE TABLE approval_request (
        id                 uuid PRIMARY KEY,
        kind               text NOT NULL,
        subject            jsonb NOT NULL,
        subject_hash       bytea NOT NULL,
        approver_role      text NOT NULL,
        required_approvals integer NOT NULL CHECK (required_approvals >= 1),
        requested_by       uuid NOT NULL REFERENCES app_user(id),
        requested_at       timestamptz NOT NULL,
        expires_at         timestamptz NOT NULL,
        status             text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'executed', 'cancelled'))
      )`);
    await q.query(`
      CREATE TABLE approval (
        request_id   uuid NOT NULL REFERENCES approval_request(id),
        approver_id  uuid NOT NULL REFERENCES app_user(id),
        decision     text NOT NULL CHECK (decision IN ('approve', 'reject')),
        subject_hash bytea NOT NULL,
        decided_at   timestamptz NOT NULL,
        PRIMARY KEY (request_id, approver_id)
      )`);
    await q.query(`
      CREATE TABLE card_worker (
        id             uuid PRIMARY KEY,
        name           text NOT NULL,
        host           text NOT NULL,
        workstation    integer NOT NULL,
        sign_key       bytea NOT NULL,
        kex_key        bytea NOT NULL,
        fingerprint    text NOT NULL UNIQUE,
        status         text NOT NULL CHECK (status IN ('pending', 'approved', 'revoked')),
        registered_at  timestamptz NOT NULL,
        decided_by     uuid REFERENCES app_user(id),
        decided_at     timestamptz,
        last_seen_at   timestamptz
      )`);
    await q.query(`
      CREATE TABLE worker_challenge (
        nonce       bytea PRIMARY KEY,
        worker_id   uuid NOT NULL REFERENCES card_worker(id),
        expires_at  timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE enrollment_token (
        id          uuid PRIMARY KEY,
        token_hash  bytea NOT NULL UNIQUE,
        workstation integer,
        created_by  text NOT NULL,
        created_at  timestamptz NOT NULL,
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz,
        worker_id   uuid REFERENCES card_worker(id)
      )`);
    // The audit chain. seq is contiguous: it is assigned under a transaction-scoped advisory lock
    // together with prev_hash, so the chain has no gaps and no forks.
    await q.query(`
      CREATE TABLE audit_event (
        seq          bigint PRIMARY KEY,
        id           uuid NOT NULL UNIQUE,
        at           timestamptz NOT NULL,
        actor        text NOT NULL,
        actor_name   text,
        role         text,
        action       text NOT NULL,
        target_type  text,
        target_id    text,
        outcome      text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
        request_id   text,
        details      jsonb NOT NULL,
        prev_hash    bytea NOT NULL,
        hash         bytea NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_event_at ON audit_event (at)`);
    await q.query(`CREATE INDEX audit_event_action ON audit_event (action, at)`);
    await q.query(`
      CREATE TABLE audit_checkpoint (
        seq         bigint PRIMARY KEY,
        head_hash   bytea NOT NULL,
        signed_at   timestamptz NOT NULL,
        key_label   text NOT NULL,
        algorithm   text NOT NULL,
        public_key  bytea NOT NULL,
        signature   bytea NOT NULL
      )`);
    for (const t of ['audit_event', 'audit_checkpoint']) {
      await q.query(`REVOKE ALL ON ${t} FROM scm_app`);
      await q.query(`GRANT SELECT, INSERT ON ${t} TO scm_app`);
      // Defence in depth: even the owner's UPDATE/DELETE is refused unless the trigger is
      // deliberately disabled, which itself needs the owner role.
      await q.query(`
        CREATE OR REPLACE FUNCTION ${t}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '${t} is append-only'; END $$`);
      await q.query(`CREATE TRIGGER ${t}_no_update BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION ${t}_append_only()`);
      await q.query(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION ${t}_append_only()`);
    }
    await q.query(`
      CREATE TABLE outbox (
        id          bigserial PRIMARY KEY,
        queue       text NOT NULL,
        job_name    text NOT NULL,
        job_id      text NOT NULL UNIQUE,
        payload     jsonb NOT NULL,
        created_at  timestamptz NOT NULL,
        relayed_at  timestamptz,
        done_at     timestamptz,
        attempts    integer NOT NULL DEFAULT 0,
        last_error  text
      )`);
    await q.query(`CREATE INDEX outbox_unrelayed ON outbox (id) WHERE relayed_at IS NULL`);
    await q.query(`CREATE INDEX outbox_pending ON outbox (id) WHERE done_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'outbox',
      'audit_checkpoint',
      'audit_event',
      'enrollment_token',
      'worker_challenge',
      'card_worker',
      'approval',
      'approval_request',
      'session',
      'login_throttle',
      'user_role',
      'app_user',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
    await q.query(`DROP FUNCTION audit_event_append_only()`);
    await q.query(`DROP FUNCTION audit_checkpoint_append_only()`);
  }
}
