import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CA_AUTHORITY_REPOSITORY, type CaAuthorityRepository } from '../ca-authority.repository';
import { caIdOfFile } from '../pki-file';
import { ServeCaCertificateQuery } from './serve-ca-certificate.query';

/** Root and issuing CA certificates are public; the content signer's is not a CA certificate and is not served. */
@QueryHandler(ServeCaCertificateQuery)
export class ServeCaCertificateHandler implements IQueryHandler<ServeCaCertificateQuery, Buffer | undefined> {
  constructor(@Inject(CA_AUTHORITY_REPOSITORY) private readonly authorities: CaAuthorityRepository) {}

  async execute(q: ServeCaCertificateQuery): Promise<Buffer | undefined> {
    const caId = caIdOfFile(q.file, 'crt');
    const a = caId === undefined ? undefined : await this.authorities.get(caId);
    return a && a.role !== 'content-signer' ? a.der : undefined;
  }
}
