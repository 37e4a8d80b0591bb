import { Initial1764028800000 } from './1764028800000-initial';
import { Trust1764032400000 } from './1764032400000-trust';

/** Every migration in order; new ones are appended here. */
export const migrations = [Initial1764028800000, Trust1764032400000];
