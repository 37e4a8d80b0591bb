import type { ApprovalRequestEntity } from '@scm/db';

/** What a help-desk request answers: the dual-control request that officers now approve (bin/scm approvals approve ID). */
export interface ApprovalTicket {
  approvalId: string;
  kind: string;
  subject: Record<string, unknown>;
  /** Approvers may send it back with their approval: it must still match (bound to the exact request). */
  subjectHash: string;
  requiredApprovals: number;
  approverRole: string;
  expiresAt: string;
}

export const ticketOf = (a: ApprovalRequestEntity): ApprovalTicket => ({
  approvalId: a.id,
  kind: a.kind,
  subject: a.subject,
  subjectHash: a.subjectHash.toString('hex'),
  requiredApprovals: a.requiredApprovals,
  approverRole: a.approverRole,
  expiresAt: a.expiresAt.toISOString(),
});
