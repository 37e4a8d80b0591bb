import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CaError, CaErrorCode, type CertificateRow, normaliseSerial } from '@scm/ca';
import * as x509 from '@peculiar/x509';
import { CaService } from '../ca.service';
import type { CertificateView } from '../certificate-view';
import { ListCertificatesQuery } from './list-certificates.query';

@QueryHandler(ListCertificatesQuery)
export class ListCertificatesHandler implements IQueryHandler<ListCertificatesQuery, CertificateView[]> {
  constructor(private readonly cas: CaService) {}

  async execute(q: ListCertificatesQuery): Promise<CertificateView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.filter.serial !== undefined) {
      const s = normaliseSerial(q.filter.serial);
      if (!s) throw new CaError(CaErrorCode.InvalidRequest, `"${q.filter.serial}" is not a serial number`);
      params.push(s);
      where.push(`serial = $${params.length}`);
    }
    if (q.filter.requestId) {
      params.push(q.filter.requestId);
      where.push(`reference->>'requestId' = $${params.length}`);
    }
    if (q.filter.status) {
      params.push(q.filter.status);
      where.push(`status = $${params.length}`);
    }
    params.push(Math.min(q.filter.limit ?? 500, 5000));
    const rows = await this.cas.query<CertificateRow>(
      `SELECT * FROM ca_certificate ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, serial LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      caId: r.ca_id,
      serial: r.serial,
      template: r.template,
      subject: r.subject,
      notBefore: r.not_before.toISOString(),
      notAfter: r.not_after.toISOString(),
      status: r.status,
      reason: r.status === 'on-hold' ? 'certificateHold' : r.reason,
      revokedAt: r.revoked_at?.toISOString() ?? null,
      reference: r.reference,
      pem: x509.PemConverter.encode(r.der, 'CERTIFICATE'),
    }));
  }
}
