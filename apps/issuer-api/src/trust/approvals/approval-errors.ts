import { CodedError } from '@scm/common';

export enum ApprovalErrorCode {
  NotFound = 'approval.not-found',
  SelfApproval = 'approval.self-approval',
  NotAllowed = 'approval.not-allowed',
  AlreadyDecided = 'approval.already-decided',
  Closed = 'approval.closed',
  Expired = 'approval.expired',
  SubjectMismatch = 'approval.subject-mismatch',
  /** A decision names the subject hash the approver was shown; one without it is refused. */
  SubjectRequired = 'approval.subject-required',
}

export class ApprovalError extends CodedError<ApprovalErrorCode> {
  constructor(
    readonly code: ApprovalErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
