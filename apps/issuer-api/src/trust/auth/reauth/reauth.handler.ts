import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { verifyPassword } from '@scm/common';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { USER_REPOSITORY, type UserRepository } from '../../users/user.repository';
import { AuthError, AuthErrorCode } from '../auth-errors';
import { SessionService } from '../session.service';
import { ReauthCommand } from './reauth.command';

@CommandHandler(ReauthCommand)
export class ReauthHandler implements ICommandHandler<ReauthCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sessions: SessionService,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  execute(c: ReauthCommand): Promise<{ reauthenticatedAt: string }> {
    return this.uow.run(c.actor, async (tx) => {
      const user = await this.users.withPassword({ id: c.principal.id }, tx);
      if (!(await verifyPassword(user && !user.disabled ? user.passwordHash : undefined, c.password))) {
        tx.audit({
          action: 'auth.reauth',
          targetType: 'user',
          targetId: c.principal.id,
          outcome: 'failure',
          details: { reason: 'invalid-credentials' },
        });
        return tx.refuse(new AuthError(AuthErrorCode.InvalidCredentials, 'wrong password'));
      }
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
