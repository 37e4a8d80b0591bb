import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Role } from '@scm/db';
import type { Tx } from '../../platform/infra/unit-of-work';
import type { ApprovalRequest } from '../approvals/approval.repository';
import { ApprovalsService } from '../approvals/approvals.service';
import { USER_REPOSITORY, type UserRepository } from './user.repository';

/** The approval kind of a role grant: one admin other than the requester approves it. */
export const ROLE_GRANT_KIND = 'role-grant';

/** What a role-grant approval binds: the pending role row and whose it is. */
export interface RoleGrantSubject {
  userRoleId: string;
  userId: string;
  username: string;
  role: Role;
}

/** Makes a pending role grant active once its approval is given, inside the approving transaction. */
@Injectable()
export class RoleGrantExecutor implements OnModuleInit {
  constructor(
    private readonly approvals: ApprovalsService,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  onModuleInit(): void {
    this.approvals.register(ROLE_GRANT_KIND, (tx, req) => this.grant(tx, req));
  }

  async grant(tx: Tx, req: ApprovalRequest): Promise<void> {
    const { userRoleId, userId, role } = req.subject as unknown as RoleGrantSubject;
    await this.users.activateRole(tx, userRoleId);
    tx.audit({
      action: 'user.role-granted',
      targetType: 'user',
      targetId: userId,
      outcome: 'success',
      details: { role, approvalId: req.id },
    });
  }
}
