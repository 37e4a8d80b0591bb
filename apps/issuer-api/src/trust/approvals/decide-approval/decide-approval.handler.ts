import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { ApprovalError } from '../approval-errors';
import { ApprovalsService } from '../approvals.service';
import { DecideApprovalCommand, type DecisionResult } from './decide-approval.command';

@CommandHandler(DecideApprovalCommand)
export class DecideApprovalHandler implements ICommandHandler<DecideApprovalCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly approvals: ApprovalsService,
  ) {}

  async execute(c: DecideApprovalCommand): Promise<DecisionResult> {
    const r = await this.uow.run(c.actor, async (tx) => {
      const res = await this.approvals.decide(tx, c.approvalId, c.approver, c.decision, c.subjectHash);
      return res instanceof ApprovalError ? tx.refuse(res) : res;
    });
    return { id: c.approvalId, status: r.request.status, approvals: r.approvals, requiredApprovals: r.request.requiredApprovals };
  }
}
