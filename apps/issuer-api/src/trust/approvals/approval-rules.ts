import type { Role } from '@scm/db';
import { ApprovalErrorCode } from './approval-errors';
import type { ApprovalRequest } from './approval.repository';

/** Who decides: the approver's user id and the roles they hold. */
export interface Approver {
  id: string;
  roles: readonly Role[];
}

/** Why a decision is refused (first rule that applies), or null when the approver may decide. */
export interface DecisionRefusal {
  code: ApprovalErrorCode;
  message: string;
}

/**
 * The rules of dual control, in the order they are checked: a pending request past its expiry is
 * expired; only a pending request is decided; nobody decides on their own request; only the
 * approver role decides, and an administrator (who manages accounts) decides on role grants only;
 * an approval names the subject hash the approver was shown, and it must still be the request's.
 */
export function decisionRefusal(
  req: ApprovalRequest,
  approver: Approver,
  now: Date,
  shownSubjectHash?: string,
  decision: 'approve' | 'reject' = 'approve',
): DecisionRefusal | null {
  if (req.status === 'pending' && req.expiresAt <= now) {
    return { code: ApprovalErrorCode.Expired, message: `approval request ${req.id} expired at ${req.expiresAt.toISOString()}` };
  }
  if (req.status !== 'pending') return { code: ApprovalErrorCode.Closed, message: `approval request ${req.id} is ${req.status}` };
  if (approver.id === req.requestedBy) return { code: ApprovalErrorCode.SelfApproval, message: 'nobody approves their own request' };
  if (!approver.roles.includes(req.approverRole)) {
    return { code: ApprovalErrorCode.NotAllowed, message: `only a ${req.approverRole} may decide on a ${req.kind} request` };
  }
  if (req.approverRole !== 'admin' && approver.roles.includes('admin')) {
    return { code: ApprovalErrorCode.NotAllowed, message: 'an administrator manages accounts and may not approve this' };
  }
  if (decision === 'approve' && !shownSubjectHash) {
    return {
      code: ApprovalErrorCode.SubjectRequired,
      message: 'an approval names the subject hash you were shown (bin/scm approvals approve shows it)',
    };
  }
  if (shownSubjectHash && shownSubjectHash.toLowerCase() !== req.subjectHash.toString('hex')) {
    return { code: ApprovalErrorCode.SubjectMismatch, message: 'the request changed since you looked at it (subject hash differs)' };
  }
  return null;
}
