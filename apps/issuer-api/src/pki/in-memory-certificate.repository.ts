import type { CertificateFilter, CertificateRepository, IssuedCertificateRecord } from './certificate.repository';

/** Issued certificates in memory, for handler specs. */
export class InMemoryCertificateRepository implements CertificateRepository {
  readonly rows: IssuedCertificateRecord[] = [];

  seed(c: Partial<IssuedCertificateRecord> & Pick<IssuedCertificateRecord, 'serial'>): IssuedCertificateRecord {
    const row: IssuedCertificateRecord = {
      caId: 'scm-issuing',
      template: 'piv-authentication',
      subject: 'CN=Test',
      notBefore: new Date('2026-12-01T00:00:00Z'),
      notAfter: new Date('2027-12-01T00:00:00Z'),
      der: Buffer.alloc(0),
      status: 'valid',
      reason: null,
      revokedAt: null,
      invalidityDate: null,
      reference: null,
      createdAt: new Date('2026-12-01T00:00:00Z'),
      ...c,
    };
    this.rows.push(row);
    return row;
  }

  async find(f: CertificateFilter): Promise<IssuedCertificateRecord[]> {
    const ref = (c: IssuedCertificateRecord, k: string) => c.reference?.[k];
    const hit = this.rows.filter(
      (c) =>
        (f.serial === undefined || c.serial === f.serial) &&
        (f.requestId === undefined || ref(c, 'requestId') === f.requestId) &&
        (f.temporaryCardId === undefined || ref(c, 'temporaryCardId') === f.temporaryCardId) &&
        (f.slot === undefined || ref(c, 'slot') === f.slot) &&
        (!f.statuses || f.statuses.includes(c.status)),
    );
    hit.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.serial.localeCompare(b.serial));
    return hit.slice(0, f.limit ?? hit.length).map((c) => ({ ...c }));
  }

  async latestNotAfter(requestId: string): Promise<Date | undefined> {
    const t = this.rows.filter((c) => c.reference?.requestId === requestId).map((c) => c.notAfter.getTime());
    return t.length ? new Date(Math.max(...t)) : undefined;
  }

  async countListed(caId: string, at: Date): Promise<number> {
    return this.rows.filter((c) => c.caId === caId && c.status !== 'valid' && c.notAfter >= at).length;
  }
}
