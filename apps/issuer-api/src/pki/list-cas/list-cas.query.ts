import { Query } from '@nestjs/cqrs';

/** A CA of the store as an operator sees it. */
export interface CaSummary {
  id: string;
  role: string;
  subject: string;
  notAfter: string;
  /** The HSM key's label, or "(offline)" for a CA whose key is elsewhere. */
  key: string;
  parent: string | null;
  crl: { number: number; thisUpdate: string; nextUpdate: string } | null;
}

/** The CAs in the store: certificates, keys, latest CRL. */
export class ListCasQuery extends Query<CaSummary[]> {}
