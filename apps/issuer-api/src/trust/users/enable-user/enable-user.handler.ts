import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { UserError, UserErrorCode } from '../user-errors';
import { USER_REPOSITORY, type UserRepository } from '../user.repository';
import { EnableUserCommand } from './enable-user.command';

@CommandHandler(EnableUserCommand)
export class EnableUserHandler implements ICommandHandler<EnableUserCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  execute(c: EnableUserCommand): Promise<void> {
    return this.uow.run(c.actor, async (tx) => {
      if (!(await this.users.setDisabled(tx, c.userId, false)))
        return tx.refuse(new UserError(UserErrorCode.NotFound, `no user ${c.userId}`));
      tx.audit({ action: 'user.enabled', targetType: 'user', targetId: c.userId, outcome: 'success', details: { sessionsEnded: 0 } });
    });
  }
}
