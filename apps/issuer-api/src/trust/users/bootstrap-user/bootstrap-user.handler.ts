import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ROLES } from '@scm/db';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { newAccount } from '../new-account';
import { UserError, UserErrorCode } from '../user-errors';
import { type UserView, userView } from '../user-view';
import { USER_REPOSITORY, type UserRepository, type UserRole } from '../user.repository';
import { BootstrapUserCommand } from './bootstrap-user.command';

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

@CommandHandler(BootstrapUserCommand)
export class BootstrapUserHandler implements ICommandHandler<BootstrapUserCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  execute(c: BootstrapUserCommand): Promise<UserView> {
    const username = c.username.trim().toLowerCase();
    return this.uow.run(c.actor, async (tx) => {
      if (!USERNAME.test(username)) {
        return tx.refuse(new UserError(UserErrorCode.Invalid, 'the username must be 2-63 characters: letters, digits, . _ -'));
      }
      const unknown = c.roles.filter((r) => !ROLES.includes(r));
      if (unknown.length || c.roles.length === 0) {
        return tx.refuse(new UserError(UserErrorCode.Invalid, `roles are one or more of ${ROLES.join(', ')}`));
      }
      const user = await newAccount(this.users, tx, { username, displayName: c.displayName, password: c.password });
      if (user instanceof UserError) return tx.refuse(user);
      await this.users.insert(tx, user);
      const roles: UserRole[] = [...new Set(c.roles)].map((role) => ({
        id: randomUUID(),
        userId: user.id,
        role,
        status: 'active',
        requestedBy: null,
        requestedAt: tx.now,
        approvalId: null,
        decidedBy: null,
        decidedAt: tx.now,
      }));
      for (const r of roles) await this.users.insertRole(tx, r);
      tx.audit({
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        outcome: 'success',
        details: { username, roles: roles.map((r) => r.role), bootstrap: true },
      });
      return userView(user, roles);
    });
  }
}
