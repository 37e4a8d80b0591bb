import type { TemporaryCard, TemporaryCardState } from './temporary-card.repository';
import { TemporaryCardError, TemporaryCardErrorCode as E } from './temporary-card-errors';

/** Issued (waiting for its PIN) or active: a temporary card that may still be used or activated. */
export const isOpen = (state: TemporaryCardState): boolean => state === 'issued' || state === 'active';

/** The state to show: an open card past its expiry is expired from that instant, before the sweep marks it so. */
export function shownState(t: Pick<TemporaryCard, 'state' | 'expiresAt'>, now: Date): TemporaryCardState {
  return isOpen(t.state) && t.expiresAt <= now ? 'expired' : t.state;
}

/** Whether the expiry job has a card to close: open, and its expiry has come. */
export const isExpiryDue = (t: Pick<TemporaryCard, 'state' | 'expiresAt'>, now: Date): boolean => isOpen(t.state) && t.expiresAt <= now;

/** Why a lifetime in days is refused (1 to `maxDays`), if it is. */
export function lifetimeRefusal(days: number, maxDays: number): TemporaryCardError | undefined {
  if (Number.isInteger(days) && days >= 1 && days <= maxDays) return undefined;
  return new TemporaryCardError(E.Invalid, `a temporary card lives 1 to ${maxDays} days`);
}

/** Why a worker may not host a temporary card (only an enrolled, approved one may), if it may not. */
export function hostWorkerRefusal(status: string | undefined, workerId: string): TemporaryCardError | undefined {
  if (status === 'approved') return undefined;
  return new TemporaryCardError(E.Invalid, `worker ${workerId} is not an enrolled, approved host`, { hostWorkerId: workerId });
}

/**
 * Why the serving host may not use the temporary card now, if it may not: it must be the card's
 * own host, and the card active and not expired. Every HSM operation of the host checks this.
 */
export function hostRefusal(t: TemporaryCard, workerId: string, now: Date): TemporaryCardError | undefined {
  const id = t.id;
  if (t.hostWorkerId !== workerId) return new TemporaryCardError(E.NotHost, `temporary card ${id} is served by another host`);
  if (t.state === 'revoked') return new TemporaryCardError(E.WrongState, `temporary card ${id} is revoked`, { state: t.state });
  if (t.state === 'expired' || t.expiresAt <= now)
    return new TemporaryCardError(E.Expired, `temporary card ${id} expired at ${t.expiresAt.toISOString()}`);
  if (t.state !== 'active') return new TemporaryCardError(E.WrongState, `temporary card ${id} is not activated yet`, { state: t.state });
  return undefined;
}

/** The refusal of a temporary card that does not exist. */
export const notFound = (id: string): TemporaryCardError => new TemporaryCardError(E.NotFound, `no temporary card ${id}`);

/** Why the temporary card may not be activated (or its PIN reset) now, if it may not. */
export function activationRefusal(t: TemporaryCard, now: Date): TemporaryCardError | undefined {
  if (!isOpen(t.state)) return new TemporaryCardError(E.WrongState, `temporary card ${t.id} is ${t.state}`);
  if (t.expiresAt <= now) return new TemporaryCardError(E.Expired, `temporary card ${t.id} expired at ${t.expiresAt.toISOString()}`);
  return undefined;
}

/** The PIN tries left after one VERIFY: all of them after the right PIN, one fewer after a wrong one. */
export function pinTriesAfter(t: Pick<TemporaryCard, 'pinTries' | 'pinRemaining'>, right: boolean): number {
  return right ? t.pinTries : Math.max(0, t.pinRemaining - 1);
}
