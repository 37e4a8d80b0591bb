import { REQUEST_STATES, type RequestState } from '@scm/db';
/**
 * The issuance request's state machine, in one place. Every change goes through
 * RequestStateMachine.transition, which checks this table, records the history, audits and
 * announces the change (server-sent events).
 *
 *   requested → keys-generated → escrowed → awaiting-card → personalising → verifying → issued
 *   any state before issued → failed | cancelled (cancelled only before a card is claimed)
 *   personalising | verifying → awaiting-card (the card left the reader; the request waits for it)
 *   personalising | verifying → failed-card (the card refused a step the same way again) → awaiting-card
 *     (an officer retries it, or spoils the card) | failed
 */

// The states are the schema's (libs/db: the CHECK constraint of issuance_request.state).
export { REQUEST_STATES, type RequestState };

export const REQUEST_TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  // keys generated on a new VSC and certified, the VSC sealed and stored
  requested: ['keys-generated', 'failed', 'cancelled'],
  // the stored copy read back and checked through the recovery path: the escrow is committed
  'keys-generated': ['escrowed', 'failed', 'cancelled'],
  // the request joins the pool of card jobs the API leases to workers (invariant 1)
  escrowed: ['awaiting-card', 'failed', 'cancelled'],
  // a worker claims a blank card for the request (issue 7)
  'awaiting-card': ['personalising', 'failed', 'cancelled'],
  // keys imported or generated, objects written; then each key is proved by an on-card signature.
  // A card pulled out mid-way (or a worker lost) sends the request back to wait for that same card.
  // A card that refuses a step the same way on consecutive attempts is not retried for ever.
  personalising: ['verifying', 'awaiting-card', 'failed', 'failed-card'],
  verifying: ['issued', 'awaiting-card', 'failed', 'failed-card'],
  // Waits for an officer: retry on the same card, or spoil it (the request takes another card).
  'failed-card': ['awaiting-card', 'failed'],
  issued: [],
  failed: [],
  cancelled: [],
};

export const TERMINAL_STATES: readonly RequestState[] = ['issued', 'failed', 'cancelled'];

export const isRequestState = (s: string): s is RequestState => (REQUEST_STATES as readonly string[]).includes(s);

export const canTransition = (from: RequestState, to: RequestState): boolean => REQUEST_TRANSITIONS[from].includes(to);

export const isTerminal = (s: RequestState): boolean => TERMINAL_STATES.includes(s);
