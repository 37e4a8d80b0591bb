import { CodedError } from '@scm/common';

export enum CardErrorCode {
  NotFound = 'card.not-found',
  IllegalTransition = 'card.illegal-transition',
}

export class CardError extends CodedError<CardErrorCode> {
  constructor(
    readonly code: CardErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
