import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CA_AUTHORITY_REPOSITORY, type CaAuthorityRepository, type StoredCrl } from '../ca-authority.repository';
import { caIdOfFile } from '../pki-file';
import { ServeCrlQuery } from './serve-crl.query';

@QueryHandler(ServeCrlQuery)
export class ServeCrlHandler implements IQueryHandler<ServeCrlQuery, StoredCrl | undefined> {
  constructor(@Inject(CA_AUTHORITY_REPOSITORY) private readonly authorities: CaAuthorityRepository) {}

  async execute(q: ServeCrlQuery): Promise<StoredCrl | undefined> {
    const caId = caIdOfFile(q.file, 'crl');
    return caId === undefined ? undefined : this.authorities.latestCrl(caId);
  }
}
