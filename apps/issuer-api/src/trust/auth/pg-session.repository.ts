import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type CardWorkerEntity, LoginThrottleEntity, type Role, SessionEntity, type UserEntity } from '@scm/db';
import { type DataSource, In, IsNull, MoreThan, Not } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { LiveSession, Session, SessionRepository } from './session.repository';

/** One row of findLive's statement: the session's columns, the account's (u_) and the worker's (w_). */
interface LiveRow {
  id: string;
  token_hash: Buffer;
  principal_kind: Session['principalKind'];
  principal_id: string;
  created_at: Date;
  last_seen_at: Date;
  idle_expires_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  address: string | null;
  user_agent: string | null;
  reauthenticated_at: Date | null;
  u_id: string | null;
  u_username: string | null;
  u_display_name: string | null;
  u_disabled: boolean | null;
  u_created_at: Date | null;
  u_password_changed_at: Date | null;
  u_must_change_password: boolean | null;
  u_roles: Role[] | null;
  w_id: string | null;
  w_name: string | null;
  w_host: string | null;
  w_workstation: number | null;
  w_sign_key: Buffer | null;
  w_kex_key: Buffer | null;
  w_fingerprint: string | null;
  w_status: CardWorkerEntity['status'] | null;
  w_suspended_reason: string | null;
  w_registered_at: Date | null;
  w_decided_by: string | null;
  w_decided_at: Date | null;
  w_last_seen_at: Date | null;
}

@Injectable()
export class PgSessionRepository implements SessionRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(tx: TxScope, session: Session): Promise<void> {
    await tx.em.insert(SessionEntity, session);
  }

  async findLive(tokenHash: Buffer, now: Date): Promise<LiveSession | undefined> {
    // Every authenticated request comes here: the session, its account and active roles (or its
    // card worker) in one statement, mapped by hand (the query builder's joins and entity mapping
    // cost more CPU than the statement, on every call of every worker).
    const rows: LiveRow[] = await this.ds.query(
      `SELECT s.id, s.token_hash, s.principal_kind, s.principal_id, s.created_at, s.last_seen_at, s.idle_expires_at,
              s.expires_at, s.revoked_at, s.address, s.user_agent, s.reauthenticated_at,
              u.id AS u_id, u.username AS u_username, u.display_name AS u_display_name, u.disabled AS u_disabled,
              u.created_at AS u_created_at, u.password_changed_at AS u_password_changed_at,
              u.must_change_password AS u_must_change_password,
              CASE WHEN u.id IS NULL THEN NULL ELSE
                ARRAY(SELECT r.role FROM user_role r WHERE r.user_id = u.id AND r.status = 'active' ORDER BY r.role) END AS u_roles,
              w.id AS w_id, w.name AS w_name, w.host AS w_host, w.workstation AS w_workstation, w.sign_key AS w_sign_key,
              w.kex_key AS w_kex_key, w.fingerprint AS w_fingerprint, w.status AS w_status, w.suspended_reason AS w_suspended_reason,
              w.registered_at AS w_registered_at, w.decided_by AS w_decided_by, w.decided_at AS w_decided_at,
              w.last_seen_at AS w_last_seen_at
         FROM session s
         LEFT JOIN app_user u ON s.principal_kind = 'user' AND u.id = s.principal_id
         LEFT JOIN card_worker w ON s.principal_kind = 'worker' AND w.id = s.principal_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND s.idle_expires_at > $2`,
      [tokenHash, now],
    );
    const r = rows[0];
    if (!r) return undefined;
    const session: Session = {
      id: r.id,
      tokenHash: r.token_hash,
      principalKind: r.principal_kind,
      principalId: r.principal_id,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      idleExpiresAt: r.idle_expires_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
      address: r.address,
      userAgent: r.user_agent,
      reauthenticatedAt: r.reauthenticated_at,
    };
    if (session.principalKind === 'worker') {
      if (r.w_id === null) return { session, holder: undefined };
      const worker: CardWorkerEntity = {
        id: r.w_id,
        name: r.w_name!,
        host: r.w_host!,
        workstation: r.w_workstation!,
        signKey: r.w_sign_key!,
        kexKey: r.w_kex_key!,
        fingerprint: r.w_fingerprint!,
        status: r.w_status!,
        suspendedReason: r.w_suspended_reason,
        registeredAt: r.w_registered_at!,
        decidedBy: r.w_decided_by,
        decidedAt: r.w_decided_at,
        lastSeenAt: r.w_last_seen_at,
      };
      return { session, holder: { kind: 'worker', worker } };
    }
    if (r.u_id === null) return { session, holder: undefined };
    const user = {
      id: r.u_id,
      username: r.u_username!,
      displayName: r.u_display_name!,
      disabled: r.u_disabled!,
      createdAt: r.u_created_at!,
      passwordChangedAt: r.u_password_changed_at!,
      mustChangePassword: r.u_must_change_password ?? false,
    } as UserEntity;
    return { session, holder: { kind: 'user', user, roles: r.u_roles ?? [] } };
  }

  async touch(id: string, lastSeenAt: Date, idleExpiresAt: Date): Promise<void> {
    await this.ds.manager.update(SessionEntity, { id }, { lastSeenAt, idleExpiresAt });
  }

  async markReauthenticated(tx: TxScope, id: string): Promise<void> {
    await tx.em.update(SessionEntity, { id }, { reauthenticatedAt: tx.now });
  }

  async revoke(tx: TxScope, id: string): Promise<void> {
    await tx.em.update(SessionEntity, { id, revokedAt: IsNull() }, { revokedAt: tx.now });
  }

  async revokeAllOf(tx: TxScope, kind: Session['principalKind'], principalId: string, except?: string): Promise<number> {
    const r = await tx.em.update(
      SessionEntity,
      { principalKind: kind, principalId, revokedAt: IsNull(), ...(except ? { id: Not(except) } : {}) },
      { revokedAt: tx.now },
    );
    return r.affected ?? 0;
  }

  async lockedUntil(tx: TxScope, keys: readonly string[]): Promise<Date | undefined> {
    const [latest] = await tx.em.find(LoginThrottleEntity, {
      where: { key: In([...keys]), lockedUntil: MoreThan(tx.now) },
      order: { lockedUntil: 'DESC' },
      take: 1,
    });
    return latest?.lockedUntil ?? undefined;
  }

  async countFailure(tx: TxScope, key: string, windowStart: Date): Promise<number> {
    // One statement, so two failures at the same instant count twice and never collide on insert.
    const rows: Array<{ failures: number }> = await tx.em.query(
      `INSERT INTO login_throttle (key, failures, window_start) VALUES ($1, 1, $2)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.failures + 1 END,
         window_start = CASE WHEN login_throttle.window_start < $3 THEN $2 ELSE login_throttle.window_start END
       RETURNING failures`,
      [key, tx.now, windowStart],
    );
    return rows[0].failures;
  }

  async lockKey(tx: TxScope, key: string, until: Date): Promise<void> {
    await tx.em.update(LoginThrottleEntity, { key }, { lockedUntil: until, failures: 0, windowStart: tx.now });
  }

  async clearKey(tx: TxScope, key: string): Promise<void> {
    await tx.em.delete(LoginThrottleEntity, { key });
  }
}
