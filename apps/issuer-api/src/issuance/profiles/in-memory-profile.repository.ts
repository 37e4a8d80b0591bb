import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardProfileDefinition } from './card-profile';
import type { ProfileRepository, StoredProfile, StoredProfileVersion } from './profile.repository';

/** The default profile of the issuance migration: 9A on the card, 9D escrowed, 9E regenerated. */
export const DEFAULT_DEFINITION: CardProfileDefinition = {
  slots: {
    '9a': { algorithm: 'p256', template: 'piv-authentication', escrow: 'on-card' },
    '9d': { algorithm: 'rsa2048', template: 'piv-key-management', escrow: 'escrow' },
    '9e': { algorithm: 'p256', template: 'piv-card-authentication', escrow: 'regenerate' },
  },
  pin: { minLength: 6, maxLength: 8, tries: 3 },
  puk: { length: 8, tries: 3 },
  managementKey: { algorithm: 'aes192' },
  validityDays: 1095,
};

/** Card profiles in memory, for handler specs. */
export class InMemoryProfileRepository implements ProfileRepository {
  readonly rows = new Map<string, StoredProfile>();
  readonly history: StoredProfileVersion[] = [];

  seed(p: Partial<StoredProfile> & Pick<StoredProfile, 'id'>): StoredProfile {
    const row: StoredProfile = {
      description: `the ${p.id} profile`,
      definition: DEFAULT_DEFINITION,
      isDefault: false,
      version: 1,
      createdAt: new Date('2026-12-01T08:00:00Z'),
      ...p,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async list(): Promise<StoredProfile[]> {
    return [...this.rows.values()]
      .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((p) => ({ ...p }));
  }

  async get(id: string): Promise<StoredProfile | undefined> {
    const p = this.rows.get(id);
    return p && { ...p };
  }

  lock(_tx: TxScope, id: string): Promise<StoredProfile | undefined> {
    return this.get(id);
  }

  async getDefault(): Promise<StoredProfile | undefined> {
    const p = [...this.rows.values()].find((x) => x.isDefault);
    return p && { ...p };
  }

  async insert(_tx: TxScope, p: StoredProfile): Promise<void> {
    if (this.rows.has(p.id)) throw new Error(`duplicate profile ${p.id}`);
    this.rows.set(p.id, { ...p });
  }

  async advance(
    _tx: TxScope,
    id: string,
    from: number,
    to: Pick<StoredProfile, 'version' | 'description' | 'definition'>,
  ): Promise<boolean> {
    const p = this.rows.get(id);
    if (!p || (p.version ?? 1) !== from) return false;
    this.rows.set(id, { ...p, ...to });
    return true;
  }

  async insertVersion(_tx: TxScope, v: StoredProfileVersion): Promise<void> {
    if (this.history.some((h) => h.profileId === v.profileId && h.version === v.version)) throw new Error('duplicate version');
    this.history.push({ ...v });
  }

  async versions(id: string): Promise<StoredProfileVersion[]> {
    return this.history.filter((h) => h.profileId === id).sort((a, b) => a.version - b.version);
  }
}
