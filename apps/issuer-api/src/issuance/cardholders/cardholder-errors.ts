import { CodedError } from '@scm/common';

export enum CardholderErrorCode {
  NotFound = 'cardholder.not-found',
  Invalid = 'cardholder.invalid',
  /** Some lines of an import are wrong; `errors` lists each with its index. Nothing was created. */
  InvalidBatch = 'cardholder.invalid-batch',
  UpnTaken = 'cardholder.upn-taken',
  TooMany = 'cardholder.too-many',
  /** The cardholder is not active (pending its registration approval, or offboarded). */
  NotActive = 'cardholder.not-active',
}

export class CardholderError extends CodedError<CardholderErrorCode> {
  constructor(
    readonly code: CardholderErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
