import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { newAccount } from '../new-account';
import { UserError } from '../user-errors';
import { type UserView, userView } from '../user-view';
import { USER_REPOSITORY, type UserRepository } from '../user.repository';
import { CreateUserCommand } from './create-user.command';

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  execute(c: CreateUserCommand): Promise<UserView> {
    return this.uow.run(c.actor, async (tx) => {
      // The administrator chose this password: its holder changes it at first log-in.
      const user = await newAccount(this.users, tx, { ...c, mustChangePassword: true });
      if (user instanceof UserError) return tx.refuse(user);
      await this.users.insert(tx, user);
      tx.audit({
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        outcome: 'success',
        details: { username: user.username, displayName: c.displayName },
      });
      return userView(user, []);
    });
  }
}
