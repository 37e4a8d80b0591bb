import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { API_CONFIG } from '../../platform/config/api-config';
import type { Clock } from '../../platform/infra/clock.port';
import { CLOCK } from '../../platform/infra/tokens';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { Principal } from './principal';
import { principalOf, type SessionSettings, sessionLifetime, slidIdleExpiry } from './session-policy';
import { type Session, SESSION_REPOSITORY, type SessionRepository } from './session.repository';

export const tokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export interface IssuedSession {
  token: string;
  sessionId: string;
  expiresAt: Date;
  idleExpiresAt: Date;
}

/**
 * Sessions of users and card workers. Only a random token is handed out; the database keeps its
 * SHA-256, so a copy of the session table opens nothing.
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(API_CONFIG) private readonly cfg: SessionSettings,
  ) {}

  async create(
    tx: TxScope,
    kind: Session['principalKind'],
    principalId: string,
    meta: { address?: string | null; userAgent?: string | null },
  ): Promise<IssuedSession> {
    const token = randomBytes(32).toString('base64url');
    const { idleMs, maxMs } = sessionLifetime(kind, this.cfg);
    const s: Session = {
      id: randomUUID(),
      tokenHash: tokenHash(token),
      principalKind: kind,
      principalId,
      createdAt: tx.now,
      lastSeenAt: tx.now,
      idleExpiresAt: new Date(tx.now.getTime() + idleMs),
      expiresAt: new Date(tx.now.getTime() + maxMs),
      revokedAt: null,
      address: meta.address ?? null,
      userAgent: meta.userAgent?.slice(0, 200) ?? null,
      reauthenticatedAt: null,
    };
    await this.sessions.insert(tx, s);
    return { token, sessionId: s.id, expiresAt: s.expiresAt, idleExpiresAt: s.idleExpiresAt };
  }

  /** The principal behind a bearer token, or null when it is unknown, expired, revoked or disabled. */
  async resolve(token: string): Promise<Principal | null> {
    const now = this.clock.now();
    const live = await this.sessions.findLive(tokenHash(token), now);
    if (!live) return null;
    const p = principalOf(live);
    if (!p) return null;
    const idle = slidIdleExpiry(live.session, now, this.cfg);
    if (idle) await this.sessions.touch(live.session.id, now, idle);
    return p;
  }

  /** Records a fresh password confirmation on the session (see @Fresh). */
  markReauthenticated(tx: TxScope, sessionId: string): Promise<void> {
    return this.sessions.markReauthenticated(tx, sessionId);
  }

  revoke(tx: TxScope, sessionId: string): Promise<void> {
    return this.sessions.revoke(tx, sessionId);
  }

  revokeAllOf(tx: TxScope, kind: Session['principalKind'], principalId: string, except?: string): Promise<number> {
    return this.sessions.revokeAllOf(tx, kind, principalId, except);
  }
}
