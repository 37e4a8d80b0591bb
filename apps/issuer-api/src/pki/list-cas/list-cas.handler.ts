import * as x509 from '@peculiar/x509';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CA_AUTHORITY_REPOSITORY, type CaAuthorityRepository } from '../ca-authority.repository';
import { ListCasQuery, type CaSummary } from './list-cas.query';

@QueryHandler(ListCasQuery)
export class ListCasHandler implements IQueryHandler<ListCasQuery> {
  constructor(@Inject(CA_AUTHORITY_REPOSITORY) private readonly authorities: CaAuthorityRepository) {}

  async execute(): Promise<CaSummary[]> {
    return Promise.all(
      (await this.authorities.list()).map(async (a) => {
        const cert = new x509.X509Certificate(a.der);
        const crl = await this.authorities.latestCrl(a.caId);
        return {
          id: a.caId,
          role: a.role,
          subject: cert.subject,
          notAfter: cert.notAfter.toISOString(),
          key: a.keyLabel ?? '(offline)',
          parent: a.parentId,
          crl: crl
            ? { number: Number(crl.crlNumber), thisUpdate: crl.thisUpdate.toISOString(), nextUpdate: crl.nextUpdate.toISOString() }
            : null,
        };
      }),
    );
  }
}
