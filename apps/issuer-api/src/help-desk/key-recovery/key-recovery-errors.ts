import { CodedError } from '@scm/common';

/** Recovery of escrowed decryption keys for an authorised officer. */
export enum KeyRecoveryErrorCode {
  NotFound = 'key-recovery.not-found',
  Invalid = 'key-recovery.invalid',
  NotRequester = 'key-recovery.not-requester',
  Delivered = 'key-recovery.delivered',
  NoKeys = 'key-recovery.no-keys',
  /** An approved recovery not fetched within SCM_APPROVAL_TTL_HOURS of its approval: ask again. */
  Expired = 'key-recovery.expired',
}

export class KeyRecoveryError extends CodedError<KeyRecoveryErrorCode> {
  constructor(
    readonly code: KeyRecoveryErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
