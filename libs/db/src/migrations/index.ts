import { Initial1764028800000 } from './1764028800000-initial';

/** Every migration in order; new ones are appended here. */
export const migrations = [Initial1764028800000];
