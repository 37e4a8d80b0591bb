import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hashPassword, passwordProblem, verifyPassword } from '@scm/common';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { UserError, UserErrorCode } from '../user-errors';
import { USER_REPOSITORY, type UserRepository } from '../user.repository';
import { ChangePasswordCommand } from './change-password.command';

@CommandHandler(ChangePasswordCommand)
export class ChangePasswordHandler implements ICommandHandler<ChangePasswordCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  execute(c: ChangePasswordCommand): Promise<void> {
    return this.uow.run(c.actor, async (tx) => {
      const user = await this.users.withPassword({ id: c.userId }, tx);
      if (!user) return tx.refuse(new UserError(UserErrorCode.NotFound, `no user ${c.userId}`));
      if (!(await verifyPassword(user.passwordHash, c.currentPassword))) {
        tx.audit({
          action: 'user.password-changed',
          targetType: 'user',
          targetId: user.id,
          outcome: 'failure',
          details: { reason: 'wrong-password' },
        });
        return tx.refuse(new UserError(UserErrorCode.WrongPassword, 'the current password is wrong'));
      }
      const problem = passwordProblem(c.newPassword, user.username);
      if (problem) return tx.refuse(new UserError(UserErrorCode.WeakPassword, `the new password ${problem}`));
      await this.users.setPassword(tx, user.id, await hashPassword(c.newPassword));
      tx.audit({ action: 'user.password-changed', targetType: 'user', targetId: user.id, outcome: 'success', details: {} });
    });
  }
}
