import { CodedError } from '@scm/common';

export enum LifecycleErrorCode {
  /** No such cardholder, or no termination of that cardholder. */
  NotFound = 'lifecycle.not-found',
  Invalid = 'lifecycle.invalid',
  /** The cardholder was terminated already. */
  AlreadyTerminated = 'lifecycle.already-terminated',
  /** Purging a cardholder who is not terminated. */
  NotTerminated = 'lifecycle.not-terminated',
  /** The escrow policy's retention period has not ended: the keys stay recoverable until then. */
  RetentionRunning = 'lifecycle.retention-running',
  /** The cardholder's escrow was purged already. */
  AlreadyPurged = 'lifecycle.already-purged',
}

export class LifecycleError extends CodedError<LifecycleErrorCode> {
  constructor(
    readonly code: LifecycleErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
