/** Injection tokens of the API's ports. */
export const REDIS = Symbol('REDIS');
export const HSM = Symbol('HSM');
export const LOGGER = Symbol('LOGGER');
export const CLOCK = Symbol('CLOCK');
