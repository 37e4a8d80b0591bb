import type { TxScope } from '../../platform/infra/unit-of-work';
import type { Cardholder, CardholderIdentity, CardholderRepository, CardholderSearch } from './cardholder.repository';

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

  async insertMany(_tx: TxScope, rows: readonly Cardholder[]): Promise<void> {
    for (const c of rows) if (this.rows.has(c.id)) throw new Error(`duplicate cardholder ${c.id}`);
    for (const c of rows) this.rows.set(c.id, { ...c, orgIds: [...c.orgIds] });
  }

  async get(id: string): Promise<Cardholder | undefined> {
    const c = this.rows.get(id);
    return c && { ...c };
  }

  async search(f: CardholderSearch): Promise<Cardholder[]> {
    const p = f.search?.toLowerCase();
    const hit = (s: string | null) => p === undefined || (s ?? '').toLowerCase().includes(p);
    return [...this.rows.values()]
      .filter((c) => hit(c.name) || (c.email !== null && hit(c.email)) || (c.upn !== null && hit(c.upn)) || c.orgIds.some(hit))
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id.localeCompare(b.id))
      .slice(f.offset, f.offset + f.limit)
      .map((c) => ({ ...c }));
  }

  async withUpns(upns: readonly string[]): Promise<Cardholder[]> {
    return [...this.rows.values()].filter((c) => c.upn !== null && upns.includes(c.upn.toLowerCase())).map((c) => ({ ...c }));
  }

  async byReferences(ids: readonly string[], names: readonly string[]): Promise<Cardholder[]> {
    const named = (s: string | null) => s !== null && names.includes(s.toLowerCase());
    return [...this.rows.values()].filter((c) => ids.includes(c.id) || named(c.upn) || named(c.email)).map((c) => ({ ...c }));
  }

  async approveRegistration(tx: TxScope, ids: readonly string[], sponsor: string): Promise<string[]> {
    const done: string[] = [];
    for (const id of ids) {
      const c = this.rows.get(id);
      if (c?.status !== 'pending') continue;
      this.rows.set(id, { ...c, status: 'active', sponsoredBy: sponsor, sponsoredAt: tx.now, updatedAt: tx.now });
      done.push(id);
    }
    return done;
  }

  async updateIdentity(tx: TxScope, id: string, from: CardholderIdentity, to: CardholderIdentity): Promise<boolean> {
    const c = this.rows.get(id);
    if (c?.status !== 'active' || c.name !== from.name || c.upn !== from.upn || c.email !== from.email) return false;
    this.rows.set(id, { ...c, ...to, updatedAt: tx.now });
    return true;
  }

  async sponsor(tx: TxScope, id: string, sponsor: string): Promise<boolean> {
    const c = this.rows.get(id);
    if (c?.status !== 'active') return false;
    this.rows.set(id, { ...c, sponsoredBy: sponsor, sponsoredAt: tx.now, updatedAt: tx.now });
    return true;
  }

  async consumeSponsorships(_tx: TxScope, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const c = this.rows.get(id);
      if (c) this.rows.set(id, { ...c, sponsoredBy: null, sponsoredAt: null });
    }
  }
}
