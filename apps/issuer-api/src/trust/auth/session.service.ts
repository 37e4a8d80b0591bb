import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Role } from '@scm/db';
import type { DataSource, EntityManager } from 'typeorm';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import type { Clock } from '../../platform/infra/clock.port';
import { CLOCK } from '../../platform/infra/tokens';
import type { Principal } from './principal';

export const tokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export interface IssuedSession {
  token: string;
  sessionId: string;
  expiresAt: Date;
  idleExpiresAt: Date;
}

/** Only this long-lived prefix-free random token is handed out; the database keeps its SHA-256. */
@Injectable()
export class SessionService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  private idleMs(kind: 'user' | 'worker'): number {
    return kind === 'worker' ? 10 * 60_000 : this.cfg.SCM_SESSION_IDLE_MINUTES * 60_000;
  }
  private maxMs(kind: 'user' | 'worker'): number {
    return kind === 'worker' ? 12 * 3600_000 : this.cfg.SCM_SESSION_MAX_HOURS * 3600_000;
  }

  async create(
    em: EntityManager,
    kind: 'user' | 'worker',
    principalId: string,
    meta: { address?: string | null; userAgent?: string | null },
  ): Promise<IssuedSession> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const s = {
      sessionId: randomUUID(),
      expiresAt: new Date(now.getTime() + this.maxMs(kind)),
      idleExpiresAt: new Date(now.getTime() + this.idleMs(kind)),
    };
    await em.query(
      `INSERT INTO session (id, token_hash, principal_kind, principal_id, created_at, last_seen_at, idle_expires_at, expires_at, address, user_agent)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9)`,
      [
        s.sessionId,
        tokenHash(token),
        kind,
        principalId,
        now,
        s.idleExpiresAt,
        s.expiresAt,
        meta.address ?? null,
        meta.userAgent?.slice(0, 200) ?? null,
      ],
    );
    return { token, ...s };
  }

  /** The principal behind a bearer token, or null when it is unknown, expired, revoked or disabled. */
  async resolve(token: string): Promise<Principal | null> {
    const now = this.clock.now();
    const rows = (await this.ds.query(
      `SELECT s.id, s.principal_kind, s.principal_id, s.last_seen_at, s.idle_expires_at, s.expires_at,
              GREATEST(s.created_at, s.reauthenticated_at) AS authenticated_at,
              u.username, u.disabled,
              w.name AS worker_name, w.workstation, w.status AS worker_status,
              (SELECT array_agg(r.role) FROM user_role r WHERE r.user_id = s.principal_id AND r.status = 'active') AS roles
         FROM session s
         LEFT JOIN app_user u ON s.principal_kind = 'user' AND u.id = s.principal_id
         LEFT JOIN card_worker w ON s.principal_kind = 'worker' AND w.id = s.principal_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND s.idle_expires_at > $2`,
      [tokenHash(token), now],
    )) as Array<{
      id: string;
      principal_kind: 'user' | 'worker';
      principal_id: string;
      last_seen_at: Date;
      authenticated_at: Date;
      username: string | null;
      disabled: boolean | null;
      worker_name: string | null;
      workstation: number | null;
      worker_status: string | null;
      roles: Role[] | null;
    }>;
    const r = rows[0];
    if (!r) return null;
    if (r.principal_kind === 'user' && (r.disabled || !r.username)) return null;
    if (r.principal_kind === 'worker' && r.worker_status !== 'approved') return null;
    // Sliding idle expiry, written at most every 30 s to spare the database.
    if (now.getTime() - r.last_seen_at.getTime() > 30_000) {
      await this.ds.query(`UPDATE session SET last_seen_at = $2, idle_expires_at = LEAST(expires_at, $3) WHERE id = $1`, [
        r.id,
        now,
        new Date(now.getTime() + this.idleMs(r.principal_kind)),
      ]);
    }
    return r.principal_kind === 'user'
      ? {
          kind: 'user',
          id: r.principal_id,
          username: r.username!,
          roles: r.roles ?? [],
          sessionId: r.id,
          authenticatedAt: r.authenticated_at,
        }
      : { kind: 'worker', id: r.principal_id, name: r.worker_name!, workstation: r.workstation!, sessionId: r.id };
  }

  /** Records a fresh password confirmation on the session (see @Fresh). */
  async markReauthenticated(em: EntityManager, sessionId: string): Promise<void> {
    await em.query(`UPDATE session SET reauthenticated_at = $2 WHERE id = $1`, [sessionId, this.clock.now()]);
  }

  async revoke(em: EntityManager, sessionId: string): Promise<void> {
    await em.query(`UPDATE session SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [sessionId, this.clock.now()]);
  }

  async revokeAllOf(em: EntityManager, kind: 'user' | 'worker', principalId: string): Promise<number> {
    const r = (await em.query(`UPDATE session SET revoked_at = $3 WHERE principal_kind = $1 AND principal_id = $2 AND revoked_at IS NULL`, [
      kind,
      principalId,
      this.clock.now(),
    ])) as [unknown, number];
    return r[1];
  }
}
