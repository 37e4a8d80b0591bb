/** Certificates of the issuing CA: one by serial, or those of an issuance request. */
export class ListCertificatesQuery {
  constructor(readonly filter: { serial?: string; requestId?: string; status?: 'valid' | 'on-hold' | 'revoked'; limit?: number }) {}
}
