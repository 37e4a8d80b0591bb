import { Query } from '@nestjs/cqrs';
import type { CertificateView } from '../certificate-view';

/** One certificate of the CA's store by serial number (hex, any case, colons allowed); undefined when there is none. */
export class ShowCertificateQuery extends Query<CertificateView | undefined> {
  constructor(readonly serial: string) {
    super();
  }
}
