import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hashPassword, passwordProblem } from '@scm/common';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { UserError, UserErrorCode } from '../user-errors';
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
    const username = c.username.trim().toLowerCase();
    return this.uow.run(c.actor, async (tx) => {
      const problem = passwordProblem(c.password, username);
      if (problem) return tx.refuse(new UserError(UserErrorCode.WeakPassword, `the password ${problem}`));
      if (await this.users.usernameTaken(tx, username)) {
        return tx.refuse(new UserError(UserErrorCode.UsernameTaken, `the username "${username}" is taken`));
      }
      const user = {
        id: randomUUID(),
        username,
        displayName: c.displayName,
        passwordHash: await hashPassword(c.password),
        disabled: false,
        createdAt: tx.now,
        passwordChangedAt: tx.now,
      };
      await this.users.insert(tx, user);
      tx.audit({
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        outcome: 'success',
        details: { username, displayName: c.displayName },
      });
      return userView(user, []);
    });
  }
}
