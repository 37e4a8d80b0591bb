import { Query } from '@nestjs/cqrs';
import type { CaCertificateStatus } from '@scm/db';
import type { CertificateView } from '../certificate-view';

/** Certificates of the CA's store, oldest first: all, those of an issuance request, or those in one status. */
export class ListCertificatesQuery extends Query<CertificateView[]> {
  constructor(readonly filter: { requestId?: string; status?: CaCertificateStatus; limit?: number } = {}) {
    super();
  }
}
