import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { APPROVAL_REPOSITORY, type ApprovalRepository } from '../approval.repository';
import { ListApprovalsQuery, type ApprovalView } from './list-approvals.query';

@QueryHandler(ListApprovalsQuery)
export class ListApprovalsHandler implements IQueryHandler<ListApprovalsQuery> {
  constructor(@Inject(APPROVAL_REPOSITORY) private readonly approvals: ApprovalRepository) {}

  async execute(q: ListApprovalsQuery): Promise<ApprovalView[]> {
    return (await this.approvals.listByStatus(q.status)).map(({ request: r, approvals }) => ({
      id: r.id,
      kind: r.kind,
      subject: r.subject,
      subjectHash: r.subjectHash.toString('hex'),
      approverRole: r.approverRole,
      requiredApprovals: r.requiredApprovals,
      approvals,
      requestedBy: r.requestedBy,
      requestedAt: r.requestedAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      status: r.status,
    }));
  }
}
