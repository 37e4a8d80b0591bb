import { CaError, CaErrorCode } from './ca-errors';
import type { CertificateStatus } from './ca.port';
import type { AuthorityRecord, CaStore, CertificateRecord, CrlRecord, StatusChange } from './ca-store.port';

/** CaStore in memory, for tests, benchmarks and tools; the API uses the PostgreSQL store. */
export class InMemoryCaStore implements CaStore {
  private readonly authorities = new Map<string, AuthorityRecord>();
  private readonly certs = new Map<string, CertificateRecord>();
  private readonly crlNumbers = new Map<string, number>();
  private readonly crls = new Map<string, CrlRecord>();

  async putAuthority(rec: AuthorityRecord): Promise<void> {
    this.authorities.set(rec.caId, { ...rec });
  }

  async getAuthority(caId: string): Promise<AuthorityRecord | undefined> {
    const r = this.authorities.get(caId);
    return r && { ...r };
  }

  async insertCertificate(rec: CertificateRecord): Promise<void> {
    const k = key(rec.caId, rec.serial);
    if (this.certs.has(k))
      throw new CaError(CaErrorCode.StoreConflict, `serial ${rec.serial} already exists in CA ${rec.caId}`, { serial: rec.serial });
    this.certs.set(k, { ...rec });
  }

  async getCertificate(caId: string, serial: string): Promise<CertificateRecord | undefined> {
    const r = this.certs.get(key(caId, serial));
    return r && { ...r };
  }

  async updateStatus(
    caId: string,
    serial: string,
    from: readonly CertificateStatus[],
    change: StatusChange,
  ): Promise<CertificateRecord | undefined> {
    const r = this.certs.get(key(caId, serial));
    if (!r || !from.includes(r.status)) return undefined;
    const next: CertificateRecord = {
      ...r,
      status: change.status,
      reason: change.reason,
      revokedAt: change.revokedAt,
      invalidityDate: change.invalidityDate,
    };
    this.certs.set(key(caId, serial), next);
    return { ...next };
  }

  async listRevocations(caId: string, notExpiredAt: Date): Promise<CertificateRecord[]> {
    return [...this.certs.values()]
      .filter((r) => r.caId === caId && r.status !== 'valid' && r.notAfter.getTime() >= notExpiredAt.getTime())
      .map((r) => ({ ...r }));
  }

  async nextCrlNumber(caId: string): Promise<number> {
    const n = (this.crlNumbers.get(caId) ?? 0) + 1;
    this.crlNumbers.set(caId, n);
    return n;
  }

  async saveCrl(rec: CrlRecord): Promise<void> {
    const cur = this.crls.get(rec.caId);
    if (!cur || cur.crlNumber < rec.crlNumber) this.crls.set(rec.caId, { ...rec });
  }

  async latestCrl(caId: string): Promise<CrlRecord | undefined> {
    const r = this.crls.get(caId);
    return r && { ...r };
  }
}

const key = (caId: string, serial: string): string => `${caId}\u0000${serial}`;
