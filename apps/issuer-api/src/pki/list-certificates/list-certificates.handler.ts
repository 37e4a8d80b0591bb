import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CERTIFICATE_REPOSITORY, type CertificateRepository } from '../certificate.repository';
import { certificateViewOf, type CertificateView } from '../certificate-view';
import { ListCertificatesQuery } from './list-certificates.query';

/** At most this many certificates per answer unless asked for fewer (or more, up to MAX_LIMIT). */
const DEFAULT_LIMIT = 500;
const MAX_LIMIT = 5000;

@QueryHandler(ListCertificatesQuery)
export class ListCertificatesHandler implements IQueryHandler<ListCertificatesQuery, CertificateView[]> {
  constructor(@Inject(CERTIFICATE_REPOSITORY) private readonly certificates: CertificateRepository) {}

  async execute({ filter: f }: ListCertificatesQuery): Promise<CertificateView[]> {
    const rows = await this.certificates.find({
      ...(f.requestId ? { requestId: f.requestId } : {}),
      ...(f.status ? { statuses: [f.status] } : {}),
      limit: Math.min(f.limit ?? DEFAULT_LIMIT, MAX_LIMIT),
    });
    return rows.map(certificateViewOf);
  }
}
