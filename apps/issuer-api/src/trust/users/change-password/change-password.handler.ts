import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hashPassword, passwordProblem, verifyPassword } from '@scm/common';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { AuthError, AuthErrorCode } from '../../auth/auth-errors';
import { throttleKeys } from '../../auth/login-throttle';
import { LoginThrottleService } from '../../auth/login-throttle.service';
import { SessionService } from '../../auth/session.service';
import { UserError, UserErrorCode } from '../user-errors';
import { USER_REPOSITORY, type UserRepository } from '../user.repository';
import { ChangePasswordCommand } from './change-password.command';

@CommandHandler(ChangePasswordCommand)
export class ChangePasswordHandler implements ICommandHandler<ChangePasswordCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    private readonly throttle: LoginThrottleService,
    private readonly sessions: SessionService,
  ) {}

  execute(c: ChangePasswordCommand): Promise<void> {
    return this.uow.run(c.actor, async (tx) => {
      const user = await this.users.withPassword({ id: c.userId }, tx);
      if (!user) return tx.refuse(new UserError(UserErrorCode.NotFound, `no user ${c.userId}`));
      // The same lockout as log-in and re-authentication: the current password is not guessed without limit.
      const keys = throttleKeys(user.username.toLowerCase(), c.actor.address);
      const locked = await this.throttle.lockedUntil(tx, keys);
      if (locked) {
        return tx.deny(
          new AuthError(AuthErrorCode.Locked, `too many failed password checks; try again after ${locked.toISOString()}`, {
            retryAfter: locked.toISOString(),
          }),
          { action: 'user.password-changed', targetType: 'user', targetId: user.id, details: { reason: 'locked' } },
        );
      }
      if (!(await verifyPassword(user.passwordHash, c.currentPassword))) {
        const lockedNow = await this.throttle.recordFailure(tx, keys);
        tx.audit({
          action: 'user.password-changed',
          targetType: 'user',
          targetId: user.id,
          outcome: 'failure',
          details: { reason: 'wrong-password', lockedUntil: lockedNow?.toISOString() ?? null },
        });
        return tx.refuse(new UserError(UserErrorCode.WrongPassword, 'the current password is wrong'));
      }
      const problem = passwordProblem(c.newPassword, user.username);
      if (problem) return tx.refuse(new UserError(UserErrorCode.WeakPassword, `the new password ${problem}`));
      await this.users.setPassword(tx, user.id, await hashPassword(c.newPassword));
      await this.throttle.clear(tx, keys[0]);
      // Whoever else holds a session of this account (a stolen token) loses it with the old password.
      const ended = await this.sessions.revokeAllOf(tx, 'user', user.id, c.sessionId);
      tx.audit({
        action: 'user.password-changed',
        targetType: 'user',
        targetId: user.id,
        outcome: 'success',
        details: { otherSessionsEnded: ended },
      });
    });
  }
}
