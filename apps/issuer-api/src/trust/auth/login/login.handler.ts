import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Role } from '@scm/db';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { type Tx, UnitOfWork } from '../../../platform/infra/unit-of-work';
import { AuthError, AuthErrorCode } from '../auth-errors';
import { verifyPassword } from '@scm/common';
import { SessionService } from '../session.service';
import { LoginCommand, type LoginResult } from './login.command';

@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand, LoginResult> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sessions: SessionService,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  async execute(c: LoginCommand): Promise<LoginResult> {
    const username = c.username.trim().toLowerCase();
    return this.uow.run(c.actor, async (tx) => {
      const keys = [`user:${username}`, ...(c.actor.address ? [`addr:${c.actor.address}`] : [])];
      const locked = await this.lockedUntil(tx, keys);
      if (locked) {
        tx.audit({
          action: 'auth.login',
          targetType: 'user',
          targetId: username,
          outcome: 'denied',
          details: { username, reason: 'locked' },
        });
        return tx.refuse(
          new AuthError(AuthErrorCode.Locked, `too many failed logins; try again after ${locked.toISOString()}`, {
            retryAfter: locked.toISOString(),
          }),
        );
      }
      const rows = (await tx.em.query(
        `SELECT u.id, u.username, u.display_name, u.password_hash, u.disabled,
                COALESCE((SELECT array_agg(r.role ORDER BY r.role) FROM user_role r WHERE r.user_id = u.id AND r.status = 'active'), '{}') AS roles
           FROM app_user u WHERE u.username = $1`,
        [username],
      )) as Array<{ id: string; username: string; display_name: string; password_hash: string; disabled: boolean; roles: Role[] }>;
      const user = rows[0];
      const ok = await verifyPassword(user?.password_hash, c.password);
      if (!ok) {
        const lockedNow = await this.recordFailure(tx, keys);
        tx.audit({
          action: 'auth.login',
          targetType: 'user',
          targetId: user?.id ?? username,
          outcome: 'failure',
          details: { username, reason: 'invalid-credentials', lockedUntil: lockedNow?.toISOString() ?? null },
        });
        return tx.refuse(new AuthError(AuthErrorCode.InvalidCredentials, 'wrong username or password'));
      }
      if (user.disabled) {
        tx.audit({
          action: 'auth.login',
          targetType: 'user',
          targetId: user.id,
          outcome: 'denied',
          details: { username, reason: 'disabled' },
        });
        return tx.refuse(new AuthError(AuthErrorCode.AccountDisabled, 'this account is disabled'));
      }
      await tx.em.query(`DELETE FROM login_throttle WHERE key = $1`, [`user:${username}`]);
      const s = await this.sessions.create(tx.em, 'user', user.id, { address: c.actor.address, userAgent: c.userAgent });
      tx.audit(
        { action: 'auth.login', targetType: 'user', targetId: user.id, outcome: 'success', details: { username, sessionId: s.sessionId } },
        { ...c.actor, actor: `user:${user.id}`, actorName: user.username },
      );
      return {
        token: s.token,
        expiresAt: s.expiresAt.toISOString(),
        idleExpiresAt: s.idleExpiresAt.toISOString(),
        user: { id: user.id, username: user.username, displayName: user.display_name, roles: user.roles },
      };
    });
  }

  private async lockedUntil(tx: Tx, keys: string[]): Promise<Date | null> {
    const rows = (await tx.em.query(`SELECT max(locked_until) AS until FROM login_throttle WHERE key = ANY($1) AND locked_until > $2`, [
      keys,
      tx.now,
    ])) as Array<{
      until: Date | null;
    }>;
    return rows[0]?.until ?? null;
  }

  /** Counts a failure per account and per address; returns the lock time when one is reached. */
  private async recordFailure(tx: Tx, keys: string[]): Promise<Date | null> {
    const windowStart = new Date(tx.now.getTime() - this.cfg.SCM_LOGIN_LOCK_MINUTES * 60_000);
    const lockUntil = new Date(tx.now.getTime() + this.cfg.SCM_LOGIN_LOCK_MINUTES * 60_000);
    let locked: Date | null = null;
    for (const key of keys) {
      // An address gets more room than one account: several people may share a workstation.
      const max = key.startsWith('addr:') ? this.cfg.SCM_LOGIN_MAX_FAILURES_PER_ADDRESS : this.cfg.SCM_LOGIN_MAX_FAILURES;
      const rows = (await tx.em.query(
        `INSERT INTO login_throttle (key, failures, window_start) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.failures + 1 END,
           window_start = CASE WHEN login_throttle.window_start < $3 THEN $2 ELSE login_throttle.window_start END
         RETURNING failures`,
        [key, tx.now, windowStart],
      )) as Array<{ failures: number }>;
      if (rows[0].failures >= max) {
        await tx.em.query(`UPDATE login_throttle SET locked_until = $2, failures = 0, window_start = $3 WHERE key = $1`, [
          key,
          lockUntil,
          tx.now,
        ]);
        locked = lockUntil;
      }
    }
    return locked;
  }
}
