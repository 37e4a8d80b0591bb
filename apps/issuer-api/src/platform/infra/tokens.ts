/** Injection tokens of the API's ports. */
export const REDIS = Symbol('REDIS');
export const HSM = Symbol('HSM');
export const LOGGER = Symbol('LOGGER');
export const CLOCK = Symbol('CLOCK');
/** Whether this process runs the background work (job consumers, periodic work, the relay's polling): the API does, a one-shot server command does not. */
export const BACKGROUND_WORK = Symbol('BACKGROUND_WORK');
/** The API's TypeORM DataSource, which only the unit of work and repositories use (the same instance as TypeORM's own token). */
export const DATA_SOURCE = Symbol('DATA_SOURCE');
