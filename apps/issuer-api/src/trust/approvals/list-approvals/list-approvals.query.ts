import { Query } from '@nestjs/cqrs';
import type { ApprovalRequest } from '../approval.repository';

export interface ApprovalView {
  id: string;
  kind: string;
  subject: Record<string, unknown>;
  subjectHash: string;
  approverRole: string;
  requiredApprovals: number;
  approvals: number;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  status: string;
}

/** Approval requests in a status, oldest first, with their subject and subject hash. */
export class ListApprovalsQuery extends Query<ApprovalView[]> {
  constructor(readonly status: ApprovalRequest['status'] = 'pending') {
    super();
  }
}
