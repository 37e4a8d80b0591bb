import { CodedError } from '@scm/common';

/** Temporary cards made from escrow and served by an enrolled host. */
export enum TemporaryCardErrorCode {
  NotFound = 'temporary-card.not-found',
  Invalid = 'temporary-card.invalid',
  WrongState = 'temporary-card.wrong-state',
  Expired = 'temporary-card.expired',
  NotHost = 'temporary-card.not-host',
  PinBlocked = 'temporary-card.pin-blocked',
  Exists = 'temporary-card.exists',
  NoEscrow = 'temporary-card.no-escrow',
}

export class TemporaryCardError extends CodedError<TemporaryCardErrorCode> {
  constructor(
    readonly code: TemporaryCardErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
