import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { SessionService } from '../../auth/session.service';
import { UserError, UserErrorCode } from '../user-errors';
import { USER_REPOSITORY, type UserRepository } from '../user.repository';
import { DisableUserCommand } from './disable-user.command';

@CommandHandler(DisableUserCommand)
export class DisableUserHandler implements ICommandHandler<DisableUserCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sessions: SessionService,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  execute(c: DisableUserCommand): Promise<void> {
    return this.uow.run(c.actor, async (tx) => {
      if (!(await this.users.setDisabled(tx, c.userId, true)))
        return tx.refuse(new UserError(UserErrorCode.NotFound, `no user ${c.userId}`));
      const ended = await this.sessions.revokeAllOf(tx, 'user', c.userId);
      tx.audit({ action: 'user.disabled', targetType: 'user', targetId: c.userId, outcome: 'success', details: { sessionsEnded: ended } });
    });
  }
}
