/** Time behind a port so handlers can be tested at chosen instants. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
