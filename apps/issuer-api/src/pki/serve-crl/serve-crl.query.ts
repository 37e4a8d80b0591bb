import { Query } from '@nestjs/cqrs';
import type { StoredCrl } from '../ca-authority.repository';

/** The newest CRL of the CA a public file name (`<ca>.crl`) names; undefined when there is none. */
export class ServeCrlQuery extends Query<StoredCrl | undefined> {
  constructor(readonly file: string) {
    super();
  }
}
