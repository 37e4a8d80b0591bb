import type { CardWorker } from './worker.repository';

/** A card worker as officers see it: identity, fingerprint and status; never its keys. */
export interface WorkerView {
  id: string;
  name: string;
  host: string;
  workstation: number;
  fingerprint: string;
  status: 'pending' | 'approved' | 'suspended' | 'revoked';
  /** Why the API suspended it (an officer approves it again), when it is suspended. */
  suspendedReason?: string;
  registeredAt: string;
  decidedAt: string | null;
  lastSeenAt: string | null;
  online?: boolean;
}

export const toWorkerView = (w: CardWorker): WorkerView => ({
  id: w.id,
  name: w.name,
  host: w.host,
  workstation: w.workstation,
  fingerprint: w.fingerprint,
  status: w.status,
  ...(w.status === 'suspended' && w.suspendedReason ? { suspendedReason: w.suspendedReason } : {}),
  registeredAt: w.registeredAt.toISOString(),
  decidedAt: w.decidedAt?.toISOString() ?? null,
  lastSeenAt: w.lastSeenAt?.toISOString() ?? null,
});
