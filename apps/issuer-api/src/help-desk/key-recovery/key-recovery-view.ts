import type { KeyRecoveryState, RecoveredKeyJson } from '@scm/db';
import type { KeyRecovery } from './key-recovery.repository';

export interface KeyRecoveryView {
  id: string;
  cardholderId: string;
  cardId: string | null;
  reason: string;
  state: KeyRecoveryState;
  approvalId: string;
  requestedBy: string;
  createdAt: string;
  deliveredAt: string | null;
  /** Once delivered, which keys went out (never the keys). */
  keys: RecoveredKeyJson[];
}

export const toKeyRecoveryView = (r: KeyRecovery): KeyRecoveryView => ({
  id: r.id,
  cardholderId: r.cardholderId,
  cardId: r.cardId,
  reason: r.reason,
  state: r.state,
  approvalId: r.approvalId,
  requestedBy: r.requestedBy,
  createdAt: r.createdAt.toISOString(),
  deliveredAt: r.deliveredAt?.toISOString() ?? null,
  keys: r.keys,
});
