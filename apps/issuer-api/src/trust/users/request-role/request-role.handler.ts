import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ROLES } from '@scm/db';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { ApprovalsService } from '../../approvals/approvals.service';
import { ROLE_GRANT_KIND, type RoleGrantSubject } from '../role-grant.executor';
import { UserError, UserErrorCode } from '../user-errors';
import { USER_REPOSITORY, type UserRepository } from '../user.repository';
import { RequestRoleCommand } from './request-role.command';

@CommandHandler(RequestRoleCommand)
export class RequestRoleHandler implements ICommandHandler<RequestRoleCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly approvals: ApprovalsService,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  execute(c: RequestRoleCommand): Promise<{ userRoleId: string; approvalId: string }> {
    return this.uow.run(c.actor, async (tx) => {
      if (!ROLES.includes(c.role)) return tx.refuse(new UserError(UserErrorCode.NotFound, `no role "${c.role}"`));
      const user = await this.users.get(c.userId, tx);
      if (!user) return tx.refuse(new UserError(UserErrorCode.NotFound, `no user ${c.userId}`));
      const [live] = (await this.users.roles({ userId: user.id, statuses: ['pending', 'active'] }, tx)).filter((r) => r.role === c.role);
      if (live) return tx.refuse(new UserError(UserErrorCode.RoleAlreadyHeld, `${user.username} already has ${c.role} (${live.status})`));
      const userRoleId = randomUUID();
      await this.users.insertRole(tx, {
        id: userRoleId,
        userId: user.id,
        role: c.role,
        status: 'pending',
        requestedBy: c.requestedBy,
        requestedAt: tx.now,
        approvalId: null,
        decidedBy: null,
        decidedAt: null,
      });
      const subject: RoleGrantSubject = { userRoleId, userId: user.id, username: user.username, role: c.role };
      const approval = await this.approvals.request(tx, {
        kind: ROLE_GRANT_KIND,
        subject: { ...subject },
        approverRole: 'admin',
        requiredApprovals: 1,
        requestedBy: c.requestedBy,
      });
      await this.users.linkApproval(tx, userRoleId, approval.id);
      tx.audit({
        action: 'user.role-requested',
        targetType: 'user',
        targetId: user.id,
        outcome: 'success',
        details: { role: c.role, approvalId: approval.id },
      });
      return { userRoleId, approvalId: approval.id };
    });
  }
}
