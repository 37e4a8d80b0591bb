import * as x509 from '@peculiar/x509';
import type { CertificateInfo } from '@scm/ca';
import type { IssuedCertificateRecord } from './certificate.repository';

/** A certificate as the API shows it (PEM, status; never a key). */
export interface CertificateView {
  caId: string;
  serial: string;
  template: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  status: string;
  reason: string | null;
  revokedAt: string | null;
  reference: Record<string, string> | null;
  pem: string;
}

export const toCertificateView = (c: CertificateInfo): CertificateView => ({
  caId: c.caId,
  serial: c.serial,
  template: c.template,
  subject: c.subject,
  notBefore: c.notBefore.toISOString(),
  notAfter: c.notAfter.toISOString(),
  status: c.status,
  reason: c.status === 'on-hold' ? 'certificateHold' : (c.reason ?? null),
  revokedAt: c.revokedAt?.toISOString() ?? null,
  reference: c.reference ?? null,
  pem: c.pem,
});

/** The view of a stored certificate (what the CA's store holds, read through the certificate repository). */
export const certificateViewOf = (c: IssuedCertificateRecord): CertificateView => ({
  caId: c.caId,
  serial: c.serial,
  template: c.template,
  subject: c.subject,
  notBefore: c.notBefore.toISOString(),
  notAfter: c.notAfter.toISOString(),
  status: c.status,
  reason: c.status === 'on-hold' ? 'certificateHold' : c.reason,
  revokedAt: c.revokedAt?.toISOString() ?? null,
  reference: c.reference,
  pem: x509.PemConverter.encode(c.der, 'CERTIFICATE'),
});
