import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { verifyPassword } from '@scm/common';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { USER_REPOSITORY, type UserRepository } from '../../users/user.repository';
import { AuthError, AuthErrorCode } from '../auth-errors';
import { throttleKeys } from '../login-throttle';
import { LoginThrottleService } from '../login-throttle.service';
import { SessionService } from '../session.service';
import { LoginCommand, type LoginResult } from './login.command';

/**
 * Password log-in. A wrong password and an unknown user get the same answer in the same time, and
 * count towards the same lock, so neither the answer nor the lock tells whether an account exists.
 */
@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottleService,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  async execute(c: LoginCommand): Promise<LoginResult> {
    const username = c.username.trim().toLowerCase();
    return this.uow.run(c.actor, async (tx) => {
      const keys = throttleKeys(username, c.actor.address);
      const locked = await this.throttle.lockedUntil(tx, keys);
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
      const user = await this.users.withPassword({ username }, tx);
      // verified even for an unknown user (against a dummy hash), so both cost the same time
      const ok = await verifyPassword(user?.passwordHash, c.password);
      if (!user || !ok) {
        const lockedNow = await this.throttle.recordFailure(tx, keys);
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
      const u = user;
      const roles = (await this.users.roles({ userId: u.id, statuses: ['active'] }, tx)).map((r) => r.role);
      await this.throttle.clear(tx, keys[0]);
      const s = await this.sessions.create(tx, 'user', u.id, { address: c.actor.address, userAgent: c.userAgent });
      tx.audit(
        { action: 'auth.login', targetType: 'user', targetId: u.id, outcome: 'success', details: { username, sessionId: s.sessionId } },
        { ...c.actor, actor: `user:${u.id}`, actorName: u.username },
      );
      return {
        token: s.token,
        expiresAt: s.expiresAt.toISOString(),
        idleExpiresAt: s.idleExpiresAt.toISOString(),
        user: { id: u.id, username: u.username, displayName: u.displayName, roles },
      };
    });
  }
}
