import { CodedError } from '@scm/common';

/** Domain errors of the PIV agent (the third error layer above PC/SC and status words). */
export enum PivErrorCode {
  NotPiv = 'piv.not-piv',
  InvalidPin = 'piv.invalid-pin',
  PinBlocked = 'piv.pin-blocked',
  InvalidPuk = 'piv.invalid-puk',
  PukBlocked = 'piv.puk-blocked',
  BadPinFormat = 'piv.bad-pin-format',
  ManagementKeyRejected = 'piv.management-key-rejected',
  CardNotAuthenticated = 'piv.card-not-authenticated',
  NotAuthorized = 'piv.not-authorized',
  NoKey = 'piv.no-key',
  NotSupported = 'piv.not-supported',
  BadObject = 'piv.bad-object',
  InvalidArgument = 'piv.invalid-argument',
  CardError = 'piv.card-error',
}

export class PivError extends CodedError<PivErrorCode> {
  constructor(
    readonly code: PivErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, meta, options);
  }
}

/** A wrong PIN; `retriesLeft` tries remain before it blocks. */
export class InvalidPinError extends PivError {
  constructor(readonly retriesLeft: number) {
    super(PivErrorCode.InvalidPin, `wrong PIN, ${retriesLeft} ${retriesLeft === 1 ? 'try' : 'tries'} left`, { retriesLeft });
  }
}

/** The PIN is blocked (unblock it with the PUK). */
export class PinBlockedError extends PivError {
  constructor() {
    super(PivErrorCode.PinBlocked, 'the PIN is blocked');
  }
}

/** A wrong PUK; `retriesLeft` tries remain. */
export class InvalidPukError extends PivError {
  constructor(readonly retriesLeft: number) {
    super(PivErrorCode.InvalidPuk, `wrong PUK, ${retriesLeft} ${retriesLeft === 1 ? 'try' : 'tries'} left`, { retriesLeft });
  }
}

/** The PUK is blocked (only a card reset helps). */
export class PukBlockedError extends PivError {
  constructor() {
    super(PivErrorCode.PukBlocked, 'the PUK is blocked');
  }
}

/** The card refused the management key (wrong key or algorithm). */
export class ManagementKeyRejectedError extends PivError {
  constructor(meta: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(PivErrorCode.ManagementKeyRejected, 'the card rejected the management key', meta, options);
  }
}

/** In mutual authentication the card's response was wrong: it does not hold the management key. */
export class CardNotAuthenticatedError extends PivError {
  constructor() {
    super(PivErrorCode.CardNotAuthenticated, 'the card failed to prove it holds the management key');
  }
}

/** The operation needs the PIN or the management key first (SW 6982). */
export class NotAuthorizedError extends PivError {
  constructor(what: string, options?: { cause?: unknown }) {
    super(PivErrorCode.NotAuthorized, `${what}: security status not satisfied (PIN or management key needed)`, { what }, options);
  }
}

/** The slot holds no key (SW 6A88). */
export class NoKeyError extends PivError {
  constructor(slot: number, options?: { cause?: unknown }) {
    super(PivErrorCode.NoKey, `slot ${slot.toString(16).toUpperCase()} holds no key`, { slot }, options);
  }
}
