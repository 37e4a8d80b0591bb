import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { verifyPassword } from '@scm/common';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { USER_REPOSITORY, type UserRepository } from '../../users/user.repository';
import { AuthError, AuthErrorCode } from '../auth-errors';
import { throttleKeys } from '../login-throttle';
import { LoginThrottleService } from '../login-throttle.service';
import { SessionService } from '../session.service';
import { ReauthCommand } from './reauth.command';

@CommandHandler(ReauthCommand)
export class ReauthHandler implements ICommandHandler<ReauthCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sessions: SessionService,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    private readonly throttle: LoginThrottleService,
  ) {}

  execute(c: ReauthCommand): Promise<{ reauthenticatedAt: string }> {
    return this.uow.run(c.actor, async (tx) => {
      // The same lockout as log-in: a stolen session is no way to guess the password without limit.
      const keys = throttleKeys(c.principal.username.toLowerCase(), c.actor.address);
      const locked = await this.throttle.lockedUntil(tx, keys);
      if (locked) {
        return tx.deny(
          new AuthError(AuthErrorCode.Locked, `too many failed password checks; try again after ${locked.toISOString()}`, {
            retryAfter: locked.toISOString(),
          }),
          { action: 'auth.reauth', targetType: 'user', targetId: c.principal.id, details: { reason: 'locked' } },
        );
      }
      const user = await this.users.withPassword({ id: c.principal.id }, tx);
      if (!(await verifyPassword(user && !user.disabled ? user.passwordHash : undefined, c.password))) {
        const lockedNow = await this.throttle.recordFailure(tx, keys);
        tx.audit({
          action: 'auth.reauth',
          targetType: 'user',
          targetId: c.principal.id,
          outcome: 'failure',
          details: { reason: 'invalid-credentials', lockedUntil: lockedNow?.toISOString() ?? null },
        });
        return tx.refuse(new AuthError(AuthErrorCode.InvalidCredentials, 'wrong password'));
      }
      await this.throttle.clear(tx, keys[0]);
      await this.sessions.markReauthenticated(tx, c.principal.sessionId);
      tx.audit({
        action: 'auth.reauth',
        targetType: 'user',
        targetId: c.principal.id,
        outcome: 'success',
        details: { sessionId: c.principal.sessionId },
      });
      return { reauthenticatedAt: tx.now.toISOString() };
    });
  }
}
