import type { CaCertificateEntity, CaCertificateStatus } from '@scm/db';
import type { TxScope } from '../platform/infra/unit-of-work';

/** A certificate the CA issued, as stored (the CA's own store writes it; the API reads it here). */
export type IssuedCertificateRecord = CaCertificateEntity;

/** Which certificates: by what they were issued for (their reference) and by status. */
export interface CertificateFilter {
  serial?: string;
  requestId?: string;
  temporaryCardId?: string;
  slot?: string;
  /** Only these statuses. */
  statuses?: readonly CaCertificateStatus[];
  /** Newest last; at most this many. */
  limit?: number;
}

/** Reads of issued certificates by reference (request, temporary card, slot) and status. */
export interface CertificateRepository {
  find(filter: CertificateFilter, tx?: TxScope): Promise<IssuedCertificateRecord[]>;
  /** The latest notAfter of the certificates issued for a request (none: undefined). */
  latestNotAfter(requestId: string, tx: TxScope): Promise<Date | undefined>;
  /** Certificates of a CA a CRL made at `at` lists (not valid, not yet expired). */
  countListed(caId: string, at: Date, tx: TxScope): Promise<number>;
}

export const CERTIFICATE_REPOSITORY = Symbol('CertificateRepository');
