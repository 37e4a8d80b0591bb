import * as x509 from '@peculiar/x509';
import { CaError, CaErrorCode, type CertificateInfo, type CrlResult, normaliseSerial, type RevocationReason } from '@scm/ca';
import type { CaService } from '../ca.service';
import type { IssuedCertificateRecord } from '../certificate.repository';
import type { InMemoryCertificateRepository } from '../in-memory-certificate.repository';

/**
 * A certificate authority for handler specs: libs/ca's status rules (hold only a valid
 * certificate, release only a held one, revocation final unless escalated to keyCompromise) over
 * the rows of an in-memory certificate repository, and CRLs numbered in memory. No HSM, no signatures.
 */
export class FakeCa {
  crlNumber = 0;

  constructor(
    readonly certificates: InMemoryCertificateRepository,
    readonly caId = 'scm-issuing',
    private readonly now: () => Date = () => new Date('2026-12-01T09:00:00Z'),
  ) {}

  async get(serial: string): Promise<CertificateInfo> {
    return info(this.record(serial));
  }

  async revoke(serial: string, reason: RevocationReason, opts: { at?: Date } = {}): Promise<CertificateInfo> {
    const r = this.record(serial);
    if (r.status !== 'revoked' || (reason === 'keyCompromise' && r.reason !== 'keyCompromise')) {
      Object.assign(r, { status: 'revoked', reason, revokedAt: r.status === 'revoked' ? r.revokedAt : (opts.at ?? this.now()) });
    }
    return info(r);
  }

  async hold(serial: string, opts: { at?: Date } = {}): Promise<CertificateInfo> {
    const r = this.record(serial);
    if (r.status === 'valid') Object.assign(r, { status: 'on-hold', revokedAt: opts.at ?? this.now() });
    else if (r.status !== 'on-hold') throw invalidState(r, 'is revoked and cannot be put on hold');
    return info(r);
  }

  async release(serial: string): Promise<CertificateInfo> {
    const r = this.record(serial);
    if (r.status !== 'on-hold') throw invalidState(r, `is not on hold (${r.status})`);
    Object.assign(r, { status: 'valid', revokedAt: null });
    return info(r);
  }

  async generateCrl(): Promise<CrlResult> {
    const thisUpdate = this.now();
    const nextUpdate = new Date(thisUpdate.getTime() + 72 * 3_600_000);
    const der = Buffer.from(`crl ${this.caId} ${++this.crlNumber}`);
    return { caId: this.caId, crlNumber: this.crlNumber, thisUpdate, nextUpdate, der, pem: x509.PemConverter.encode(der, 'X509 CRL') };
  }

  private record(serial: string): IssuedCertificateRecord {
    const s = normaliseSerial(serial);
    if (!s) throw new CaError(CaErrorCode.InvalidRequest, `"${serial}" is not a serial number`, {});
    const r = this.certificates.rows.find((c) => c.caId === this.caId && c.serial === s);
    if (!r) throw new CaError(CaErrorCode.NotFound, `no certificate ${s} issued by CA ${this.caId}`, { serial: s, caId: this.caId });
    return r;
  }
}

const invalidState = (r: IssuedCertificateRecord, what: string) =>
  new CaError(CaErrorCode.InvalidState, `certificate ${r.serial} ${what}`, { serial: r.serial, status: r.status });

const info = (r: IssuedCertificateRecord): CertificateInfo => ({
  caId: r.caId,
  serial: r.serial,
  template: r.template as CertificateInfo['template'],
  subject: r.subject,
  notBefore: r.notBefore,
  notAfter: r.notAfter,
  der: r.der,
  pem: x509.PemConverter.encode(r.der, 'CERTIFICATE'),
  status: r.status,
  ...(r.reason ? { reason: r.reason as RevocationReason } : {}),
  ...(r.revokedAt ? { revokedAt: r.revokedAt } : {}),
  ...(r.reference ? { reference: r.reference } : {}),
});

/** A CaService over fake CAs (by id; the issuing CA by default), whose store needs no transaction. */
export function fakeCaService(...cas: FakeCa[]): CaService & { resets: number; openedOutsideTx: number } {
  let depth = 0;
  const svc = {
    resets: 0,
    /** CAs asked for outside `inTx`: inside a unit of work, the real one would read their record on a second pool connection. */
    openedOutsideTx: 0,
    issuingId: cas[0]?.caId ?? 'scm-issuing',
    ca: async (tx?: unknown, caId?: string) => {
      if (!tx && depth === 0) svc.openedOutsideTx++;
      const ca = cas.find((c) => c.caId === (caId ?? cas[0]?.caId));
      if (!ca) throw new CaError(CaErrorCode.NotConfigured, `no CA ${caId}`);
      return ca;
    },
    inTx: async <T>(_tx: unknown, fn: () => Promise<T>) => {
      depth++;
      try {
        return await fn();
      } finally {
        depth--;
      }
    },
    reset: () => void svc.resets++,
  };
  return svc as unknown as CaService & { resets: number; openedOutsideTx: number };
}
