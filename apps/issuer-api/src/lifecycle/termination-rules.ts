import type { CardState, RequestState } from '@scm/db';

/*
 * What terminating a cardholder (a leaver) does to each of their cards and requests, as pure rules
 * (docs/lifecycle.md). The card lifecycle's table (issuance/cards/card-lifecycle.ts) revokes the
 * certificates of a card entering `terminated` with cessationOfOperation.
 */

/** Cards that were issued to the cardholder and still count: they become `terminated`. */
export const TERMINABLE_CARD_STATES: readonly CardState[] = ['issued', 'active', 'suspended', 'lost', 'stolen', 'damaged'];

/** What a card in `state` becomes: terminated, spoiled (pulled from personalisation), or unchanged. */
export function cardOutcome(state: CardState): 'terminated' | 'spoiled' | 'unchanged' {
  if (TERMINABLE_CARD_STATES.includes(state)) return 'terminated';
  if (state === 'personalising') return 'spoiled';
  return 'unchanged';
}

const CANCELLABLE: readonly RequestState[] = ['requested', 'keys-generated', 'escrowed', 'awaiting-card'];
const CLOSED: readonly RequestState[] = ['issued', 'failed', 'cancelled'];

/** What an open request becomes: cancelled before a card is claimed, failed after; closed ones stay. */
export function requestOutcome(state: RequestState): 'cancelled' | 'failed' | 'unchanged' {
  if (CLOSED.includes(state)) return 'unchanged';
  return CANCELLABLE.includes(state) ? 'cancelled' : 'failed';
}

/** Approval kinds a termination leaves open: recovering the leaver's keys (within retention) and purging them. */
export const APPROVALS_KEPT_AT_TERMINATION: readonly string[] = ['key-recovery', 'escrow-purge'];

const DAY_MS = 86_400_000;

/** Until when a leaver's escrowed keys stay recoverable (the escrow policy's retention). */
export const retainUntil = (terminatedAt: Date, retentionDays: number): Date => new Date(terminatedAt.getTime() + retentionDays * DAY_MS);

/** Why a purge may not happen (yet), or null. */
export function purgeRefusal(
  t: { retainUntil: Date; purgedAt: Date | null } | undefined,
  now: Date,
): { code: 'not-terminated' | 'already-purged' | 'retention-running'; message: string } | null {
  if (!t) return { code: 'not-terminated', message: 'only a terminated cardholder’s escrow is purged' };
  if (t.purgedAt) return { code: 'already-purged', message: `the escrow was purged at ${t.purgedAt.toISOString()}` };
  if (now < t.retainUntil)
    return {
      code: 'retention-running',
      message: `the escrowed keys stay recoverable until ${t.retainUntil.toISOString()} (the escrow retention period); purge after that`,
    };
  return null;
}
