import { CodedError } from '@scm/common';

/** PIN unblock sessions at a workstation. */
export enum PinUnblockErrorCode {
  NotFound = 'pin-unblock.not-found',
  Invalid = 'pin-unblock.invalid',
  WrongCardState = 'pin-unblock.wrong-card-state',
  SessionOpen = 'pin-unblock.session-open',
}

export class PinUnblockError extends CodedError<PinUnblockErrorCode> {
  constructor(
    readonly code: PinUnblockErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
