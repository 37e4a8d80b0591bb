import { CodedError } from '@scm/common';

export enum PersonalisationErrorCode {
  /** No such request, card or session. */
  NotFound = 'personalisation.not-found',
  /** The card lacks a capability the request's profile needs (e.g. key import); refused before anything is written to it. */
  CardLacksCapability = 'personalisation.card-lacks-capability',
  /** The request already ended (issued, failed, cancelled): its job has nothing left to do. */
  RequestClosed = 'personalisation.request-closed',
  /** The request is not ready for a card yet (its escrow is not committed). */
  NotReady = 'personalisation.not-ready',
  /** The request waits for the card it is bound to (meta.serial); another card may not take it. */
  WaitsForAnotherCard = 'personalisation.waits-for-another-card',
  /** The card is bound to another request, or issued: it is never overwritten. */
  CardTaken = 'personalisation.card-taken',
  /** The card carries an identity (CHUID) SCM did not give it for this request. */
  CardNotBlank = 'personalisation.card-not-blank',
  /** The card was declared spoiled; it is never used again. */
  CardSpoiled = 'personalisation.card-spoiled',
  /** The caller is not the worker that claimed the card, or the request is not being personalised. */
  NotClaimant = 'personalisation.not-claimant',
  /** The card's signature or decryption did not match its certificate. */
  ProofFailed = 'personalisation.proof-failed',
  /** The card is being personalised right now: pull it first (or wait for the watchdog). */
  CardInUse = 'personalisation.card-in-use',
  /** The card is not in a state that allows this (e.g. activating a card that is not issued). */
  WrongCardState = 'personalisation.wrong-card-state',
  /** There is no open activation session for this card at this workstation. */
  NoActivationSession = 'personalisation.no-activation-session',
  /** An activation session for this card is already open. */
  ActivationOpen = 'personalisation.activation-open',
  /** The worker claims a request the API did not lease to it (that worker, workstation and card), or its lease expired. */
  NotLeased = 'personalisation.not-leased',
  /** The request is bound to a card another worker personalises: only an officer moves it (reassign). */
  BoundToAnotherWorker = 'personalisation.bound-to-another-worker',
  /** The worker made more claims this minute than SCM_CLAIMS_PER_MINUTE allows. */
  ClaimRateExceeded = 'personalisation.claim-rate-exceeded',
  /** The request is not bound to a card being personalised: there is no worker to move it from. */
  NotInFlight = 'personalisation.not-in-flight',
  Invalid = 'personalisation.invalid',
  /** Separation of duties: the officer who requested a card does not activate it. */
  ActivatorIsRequester = 'personalisation.activator-is-requester',
}

export class PersonalisationError extends CodedError<PersonalisationErrorCode> {
  constructor(
    readonly code: PersonalisationErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, meta, options);
  }
}
