import type { Cardholder, CardholderRepository } from './cardholder.repository';

/** Cardholders in memory, for handler specs. */
export class InMemoryCardholderRepository implements CardholderRepository {
  readonly rows = new Map<string, Cardholder>();

  seed(c: Partial<Cardholder> & Pick<Cardholder, 'id' | 'name'>): Cardholder {
    const row: Cardholder = {
      email: null,
      upn: null,
      orgIds: [],
      status: 'active',
      createdAt: new Date('2026-12-01T08:00:00Z'),
      updatedAt: new Date('2026-12-01T08:00:00Z'),
      ...c,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async get(id: string): Promise<Cardholder | undefined> {
    const c = this.rows.get(id);
    return c && { ...c };
  }
}
