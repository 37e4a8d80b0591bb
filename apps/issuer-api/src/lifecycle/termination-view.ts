import type { CardholderTermination, EscrowPurge } from './termination.repository';

/** A leaver as the API shows it: the termination, what it did, and where the escrow stands. */
export interface TerminationView {
  cardholderId: string;
  reason: string;
  terminatedBy: string;
  terminatedAt: string;
  /** Until when the escrowed keys stay recoverable (the escrow retention period). */
  retainUntil: string;
  escrow: 'retained' | 'purgeable' | 'purged';
  summary: Record<string, unknown>;
  purge: {
    id: string;
    approvalId: string;
    proposedBy: string;
    approvedBy: string;
    purgedAt: string;
    versions: EscrowPurge['versions'];
  } | null;
}

export function toTerminationView(t: CardholderTermination, purge: EscrowPurge | undefined, now: Date): TerminationView {
  return {
    cardholderId: t.cardholderId,
    reason: t.reason,
    terminatedBy: t.terminatedBy,
    terminatedAt: t.terminatedAt.toISOString(),
    retainUntil: t.retainUntil.toISOString(),
    escrow: t.purgedAt ? 'purged' : now >= t.retainUntil ? 'purgeable' : 'retained',
    summary: t.summary,
    purge: purge
      ? {
          id: purge.id,
          approvalId: purge.approvalId,
          proposedBy: purge.proposedBy,
          approvedBy: purge.approvedBy,
          purgedAt: purge.purgedAt.toISOString(),
          versions: purge.versions,
        }
      : null,
  };
}
