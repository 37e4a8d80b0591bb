import { CodedError } from '@scm/common';

export enum IssuanceErrorCode {
  NotFound = 'issuance.not-found',
  /** The request is not in a state that allows this (the state machine refused the transition). */
  IllegalTransition = 'issuance.illegal-transition',
  /** Some entries of a batch are wrong; `errors` names each by index. Nothing was created. */
  InvalidBatch = 'issuance.invalid-batch',
  Invalid = 'issuance.invalid',
  TooMany = 'issuance.too-many',
  /** The cardholder already has an open request (one card at a time). */
  OpenRequestExists = 'issuance.open-request-exists',
  /** The caller is not the worker that claimed this request's card. */
  NotClaimant = 'issuance.not-claimant',
  /** The slot is not one the card generates itself, or the key does not fit the profile. */
  WrongSlot = 'issuance.wrong-slot',
  /** Separation of duties: a cardholder has no sponsorship (a second officer's approval) for a new card. */
  NotSponsored = 'issuance.not-sponsored',
  /** Separation of duties: the officer who sponsored a card does not request it too. */
  SponsorIsRequester = 'issuance.sponsor-is-requester',
}

export class IssuanceError extends CodedError<IssuanceErrorCode> {
  constructor(
    readonly code: IssuanceErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, meta, options);
  }
}
