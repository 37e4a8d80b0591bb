import type { TxScope } from '../platform/infra/unit-of-work';
import type { CaAuthority, CaAuthorityRepository, StoredCrl } from './ca-authority.repository';

/** CAs and their CRLs in memory, for handler specs. */
export class InMemoryCaAuthorityRepository implements CaAuthorityRepository {
  readonly authorities: CaAuthority[] = [];
  readonly crls: StoredCrl[] = [];
  /** The CAs whose CRL publication a transaction held, in order. */
  readonly locked: string[] = [];

  addAuthority(a: Partial<CaAuthority> & Pick<CaAuthority, 'caId' | 'role'>): CaAuthority {
    const row: CaAuthority = { der: Buffer.from(`der of ${a.caId}`), keyLabel: null, parentId: null, updatedAt: new Date(0), ...a };
    this.authorities.push(row);
    return row;
  }

  addCrl(c: Partial<StoredCrl> & Pick<StoredCrl, 'caId' | 'crlNumber'>): StoredCrl {
    const row: StoredCrl = {
      thisUpdate: new Date('2026-12-01T08:00:00Z'),
      nextUpdate: new Date('2026-12-04T08:00:00Z'),
      der: Buffer.from(`crl ${c.caId} ${c.crlNumber}`),
      ...c,
    };
    this.crls.push(row);
    return row;
  }

  async signingCaIds(): Promise<string[]> {
    return this.authorities
      .filter((a) => (a.role === 'root' || a.role === 'issuing') && a.keyLabel !== null)
      .map((a) => a.caId)
      .sort();
  }

  async get(caId: string): Promise<CaAuthority | undefined> {
    const a = this.authorities.find((x) => x.caId === caId);
    return a && { ...a };
  }

  async latestCrl(caId: string): Promise<StoredCrl | undefined> {
    const [c] = this.crls.filter((x) => x.caId === caId).sort((a, b) => Number(BigInt(b.crlNumber) - BigInt(a.crlNumber)));
    return c && { ...c };
  }

  async lockCrlPublication(_tx: TxScope, caId: string): Promise<void> {
    this.locked.push(caId);
  }
}
