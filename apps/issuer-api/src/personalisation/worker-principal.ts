import type { CardWorker } from '../trust/workers/worker.repository';
import type { Principal } from '../trust/auth/principal';

/** A card serial as workers report it (Yubico GET SERIAL, decimal) or officers type it. */
export const SERIAL = /^[0-9A-Za-z_-]{1,64}$/;

/** The calling worker of a WorkerOnly route: its id and workstation. */
export interface CallingWorker {
  id: string;
  workstation: number;
}

export function callingWorker(p: Principal): CallingWorker {
  if (p.kind !== 'worker') throw new Error('a worker route reached by a user');
  return { id: p.id, workstation: p.workstation };
}

/** The worker when it is approved (enrolled and accepted by an officer, not revoked). */
export const approved = (w: CardWorker | undefined): CardWorker | undefined => (w?.status === 'approved' ? w : undefined);
