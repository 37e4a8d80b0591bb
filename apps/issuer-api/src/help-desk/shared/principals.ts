import type { Principal } from '../../trust/auth/principal';

/** The user behind a user route (its guard admits users only). */
export function userOf(p: Principal): Extract<Principal, { kind: 'user' }> {
  if (p.kind !== 'user') throw new Error('a user route reached by a worker');
  return p;
}

/** The enrolled worker behind a worker route (its guard admits workers only). */
export function hostOf(p: Principal): { id: string; workstation: number } {
  if (p.kind !== 'worker') throw new Error('a worker route reached by a user');
  return { id: p.id, workstation: p.workstation };
}
