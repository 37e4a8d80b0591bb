import { CodedError } from '@scm/common';

export enum WorkerErrorCode {
  BadEnrollmentToken = 'worker.bad-enrollment-token',
  NotApproved = 'worker.not-approved',
  Revoked = 'worker.revoked',
  BadSignature = 'worker.bad-signature',
  NotFound = 'worker.not-found',
  FingerprintMismatch = 'worker.fingerprint-mismatch',
  BadKey = 'worker.bad-key',
  WrongWorkstation = 'worker.wrong-workstation',
  /** Separation of duties: the officer who made a worker's enrolment token does not approve the worker. */
  ApproverMadeToken = 'worker.approver-made-token',
}

export class WorkerError extends CodedError<WorkerErrorCode> {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
