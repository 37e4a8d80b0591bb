import type { Clock } from '../platform/infra/clock.port';

/**
 * The clock the expiry sweep reads "now" from: the API's clock by default. Its own token so a test
 * can move the sweep's time forward (a card years from its end) without moving sessions, the audit
 * chain or the CA.
 */
export const EXPIRY_CLOCK = Symbol('ExpiryClock');

export const expiryClockFrom = (clock: Clock): Clock => ({ now: () => clock.now() });
