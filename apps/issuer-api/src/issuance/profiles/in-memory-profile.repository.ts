import type { CardProfileDefinition } from './card-profile';
import type { ProfileRepository, StoredProfile } from './profile.repository';

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

  seed(p: Partial<StoredProfile> & Pick<StoredProfile, 'id'>): StoredProfile {
    const row: StoredProfile = {
      description: `the ${p.id} profile`,
      definition: DEFAULT_DEFINITION,
      isDefault: false,
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

  async getDefault(): Promise<StoredProfile | undefined> {
    const p = [...this.rows.values()].find((x) => x.isDefault);
    return p && { ...p };
  }
}
