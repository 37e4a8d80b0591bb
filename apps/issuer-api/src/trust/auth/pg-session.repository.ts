import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardWorkerEntity, LoginThrottleEntity, SessionEntity, UserEntity, UserRoleEntity } from '@scm/db';
import { type DataSource, In, IsNull, MoreThan, Not } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { LiveSession, Session, SessionRepository } from './session.repository';

@Injectable()
export class PgSessionRepository implements SessionRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(tx: TxScope, session: Session): Promise<void> {
    await tx.em.insert(SessionEntity, session);
  }

  async findLive(tokenHash: Buffer, now: Date): Promise<LiveSession | undefined> {
    // Every authenticated request comes here: the session, its account and roles (or its card
    // worker) in one round trip.
    const found = (await this.ds.manager
      .createQueryBuilder(SessionEntity, 's')
      .leftJoinAndMapOne('s.user', UserEntity, 'u', "s.principalKind = 'user' AND u.id = s.principalId")
      .leftJoinAndMapMany('s.roles', UserRoleEntity, 'r', "r.userId = u.id AND r.status = 'active'")
      .leftJoinAndMapOne('s.worker', CardWorkerEntity, 'w', "s.principalKind = 'worker' AND w.id = s.principalId")
      .where('s.tokenHash = :tokenHash AND s.revokedAt IS NULL AND s.expiresAt > :now AND s.idleExpiresAt > :now', { tokenHash, now })
      .getOne()) as (SessionEntity & { user?: UserEntity | null; roles?: UserRoleEntity[]; worker?: CardWorkerEntity | null }) | null;
    if (!found) return undefined;
    const { user, roles, worker, ...session } = found;
    if (session.principalKind === 'worker') return { session, holder: worker ? { kind: 'worker', worker } : undefined };
    return { session, holder: user ? { kind: 'user', user, roles: (roles ?? []).map((r) => r.role) } : undefined };
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
