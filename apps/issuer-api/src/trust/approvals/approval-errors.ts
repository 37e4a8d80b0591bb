import { CodedError } from '@scm/common';

export enum ApprovalErrorCode {
  NotFound = 'approval.not-found',
  SelfApproval = 'approval.self-approval',
  NotAllowed = 'approval.not-allowed',
  AlreadyDecided = 'approval.already-decided',
  Closed = 'approval.closed',
  Expired = 'approval.expired',
  SubjectMismatch = 'approval.subject-mismatch',
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
