import type { TxScope } from '../../platform/infra/unit-of-work';
import type { TemporaryCard, TemporaryCardRepository } from './temporary-card.repository';

const isOpen = (t: TemporaryCard): boolean => t.state === 'issued' || t.state === 'active';

/** Temporary cards in memory, for handler specs. */
export class InMemoryTemporaryCardRepository implements TemporaryCardRepository {
  readonly rows = new Map<string, TemporaryCard>();

  /** Puts a temporary card in place; fields not given get plausible values. */
  seed(t: Partial<TemporaryCard> & Pick<TemporaryCard, 'id' | 'state'>): TemporaryCard {
    const row: TemporaryCard = {
      cardholderId: '00000000-0000-4000-8000-00000000c001',
      cardId: null,
      sourceVscId: '00000000-0000-4000-8000-0000000005c0',
      sourceVersion: 1,
      hostWorkerId: '00000000-0000-4000-8000-00000000f001',
      approvalId: '00000000-0000-4000-8000-00000000a001',
      expiresAt: new Date('2026-12-08T09:00:00Z'),
      pinTries: 3,
      pinRemaining: 3,
      requestedBy: 'user:seed',
      createdAt: new Date('2026-12-01T08:00:00Z'),
      activatedAt: null,
      activatedBy: null,
      closedAt: null,
      closeReason: null,
      ...t,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async insert(_tx: TxScope, card: TemporaryCard): Promise<void> {
    if (this.rows.has(card.id)) throw new Error(`duplicate temporary card ${card.id}`);
    this.rows.set(card.id, { ...card });
  }

  async lock(_tx: TxScope, id: string): Promise<TemporaryCard | undefined> {
    return this.get(id);
  }

  async get(id: string): Promise<TemporaryCard | undefined> {
    const t = this.rows.get(id);
    return t && { ...t };
  }

  async update(_tx: TxScope, id: string, changes: Partial<Omit<TemporaryCard, 'id'>>): Promise<void> {
    const t = this.rows.get(id);
    if (t) this.rows.set(id, { ...t, ...changes });
  }

  async openOf(cardholderId: string): Promise<TemporaryCard | undefined> {
    const t = [...this.rows.values()].find((x) => x.cardholderId === cardholderId && isOpen(x));
    return t && { ...t };
  }

  async lockStandIns(_tx: TxScope, cardId: string): Promise<TemporaryCard[]> {
    return [...this.rows.values()].filter((x) => x.cardId === cardId && isOpen(x)).map((x) => ({ ...x }));
  }

  async dueForExpiry(at: Date): Promise<string[]> {
    return [...this.rows.values()].filter((x) => isOpen(x) && x.expiresAt <= at).map((x) => x.id);
  }
}
