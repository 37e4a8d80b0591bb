import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CaError, CaErrorCode, normaliseSerial } from '@scm/ca';
import { CERTIFICATE_REPOSITORY, type CertificateRepository } from '../certificate.repository';
import { certificateViewOf, type CertificateView } from '../certificate-view';
import { ShowCertificateQuery } from './show-certificate.query';

@QueryHandler(ShowCertificateQuery)
export class ShowCertificateHandler implements IQueryHandler<ShowCertificateQuery, CertificateView | undefined> {
  constructor(@Inject(CERTIFICATE_REPOSITORY) private readonly certificates: CertificateRepository) {}

  async execute(q: ShowCertificateQuery): Promise<CertificateView | undefined> {
    const serial = normaliseSerial(q.serial);
    if (!serial) throw new CaError(CaErrorCode.InvalidRequest, `"${q.serial}" is not a serial number`);
    const [c] = await this.certificates.find({ serial, limit: 1 });
    return c && certificateViewOf(c);
  }
}
