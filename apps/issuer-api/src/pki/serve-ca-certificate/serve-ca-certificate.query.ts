import { Query } from '@nestjs/cqrs';

/** The certificate (DER) of the CA a public file name (`<ca>.crt`) names; undefined when there is none. */
export class ServeCaCertificateQuery extends Query<Buffer | undefined> {
  constructor(readonly file: string) {
    super();
  }
}
