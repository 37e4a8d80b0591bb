import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { UserError, UserErrorCode } from '../user-errors';
import { USER_REPOSITORY, type UserRepository } from '../user.repository';
import { RevokeRoleCommand } from './revoke-role.command';

@CommandHandler(RevokeRoleCommand)
export class RevokeRoleHandler implements ICommandHandler<RevokeRoleCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  execute(c: RevokeRoleCommand): Promise<void> {
    return this.uow.run(c.actor, async (tx) => {
      if ((await this.users.revokeRole(tx, c.userId, c.role)) === 0) {
        return tx.refuse(new UserError(UserErrorCode.RoleNotHeld, `the user does not have ${c.role}`));
      }
      tx.audit({ action: 'user.role-revoked', targetType: 'user', targetId: c.userId, outcome: 'success', details: { role: c.role } });
    });
  }
}
