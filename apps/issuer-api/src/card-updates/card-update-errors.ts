import { CodedError } from '@scm/common';

/** Updates of issued cards. */
export enum CardUpdateErrorCode {
  NotFound = 'card-update.not-found',
  Invalid = 'card-update.invalid',
  CardNotUpdatable = 'card-update.card-not-updatable',
  AlreadyOpen = 'card-update.already-open',
  WrongState = 'card-update.wrong-state',
  NotRunner = 'card-update.not-runner',
  ProofFailed = 'card-update.proof-failed',
  SelfApproval = 'card-update.self-approval',
}

export class CardUpdateError extends CodedError<CardUpdateErrorCode> {
  constructor(
    readonly code: CardUpdateErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
