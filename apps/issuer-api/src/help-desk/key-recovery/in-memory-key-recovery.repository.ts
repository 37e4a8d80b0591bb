import type { RecoveredKeyJson } from '@scm/db';
import { InMemoryVscRepository } from '../../issuance/vsc-escrow/in-memory-vsc.repository';
import type { StoredVsc } from '../../issuance/vsc-escrow/vsc.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { KeyRecovery, KeyRecoveryRepository } from './key-recovery.repository';

/** Key recoveries in memory, for handler specs; escrow VSCs are the spec's in-memory VSCs. */
export class InMemoryKeyRecoveryRepository implements KeyRecoveryRepository {
  readonly rows = new Map<string, KeyRecovery>();
  readonly cardholders = new Set<string>();

  constructor(readonly vscs = new InMemoryVscRepository()) {}

  seed(r: Partial<KeyRecovery> & Pick<KeyRecovery, 'id' | 'cardholderId' | 'requestedBy'>): KeyRecovery {
    const row: KeyRecovery = {
      cardId: null,
      approvalId: '00000000-0000-4000-8000-00000000a001',
      reason: 'old mail of a departed colleague',
      state: 'approved',
      createdAt: new Date('2026-11-30T08:00:00Z'),
      deliveredAt: null,
      keys: [],
      ...r,
    };
    this.rows.set(row.id, row);
    this.cardholders.add(row.cardholderId);
    return row;
  }

  async insert(_tx: TxScope, recovery: KeyRecovery): Promise<void> {
    this.rows.set(recovery.id, { ...recovery });
  }

  async lock(_tx: TxScope, id: string): Promise<KeyRecovery | undefined> {
    return this.get(id);
  }

  async get(id: string): Promise<KeyRecovery | undefined> {
    const r = this.rows.get(id);
    return r && { ...r };
  }

  async byApproval(approvalId: string): Promise<KeyRecovery | undefined> {
    const r = [...this.rows.values()].find((x) => x.approvalId === approvalId);
    return r && { ...r };
  }

  async delivered(tx: TxScope, id: string, keys: RecoveredKeyJson[]): Promise<void> {
    const r = this.rows.get(id);
    if (r) this.rows.set(id, { ...r, state: 'delivered', deliveredAt: tx.now, keys });
  }

  async cardholderExists(cardholderId: string): Promise<boolean> {
    return this.cardholders.has(cardholderId);
  }

  async escrowVscsOf(cardholderId: string): Promise<StoredVsc[]> {
    return [...this.vscs.vscs.values()]
      .filter((v) => v.cardholderId === cardholderId && v.kind === 'escrow')
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }
}
