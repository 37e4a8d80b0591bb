import type { CertificateStatus, RevocationReason } from './ca.port';

/** A CA's own certificate (root, issuing, or the PIV content signer) and where its key is. */
export interface AuthorityRecord {
  caId: string;
  role: 'root' | 'issuing' | 'content-signer';
  der: Buffer;
  /** The HSM key, `label/version`; absent for a CA whose key is elsewhere (an offline root). */
  keyLabel?: string;
  /** The CA that issued this one; absent for a root. */
  parentId?: string;
}

/** One issued certificate and its revocation state. */
export interface CertificateRecord {
  caId: string;
  serial: string;
  template: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  der: Buffer;
  status: CertificateStatus;
  reason?: RevocationReason;
  revokedAt?: Date;
  invalidityDate?: Date;
  reference?: Record<string, string>;
}

export interface CrlRecord {
  caId: string;
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
  der: Buffer;
}

export type StatusChange = Pick<CertificateRecord, 'status' | 'reason' | 'revokedAt' | 'invalidityDate'>;

/**
 * Where a CA keeps its state. Every method is atomic on its own, so a SQL implementation maps
 * each to one statement (or one short transaction): no method needs a transaction the caller holds.
 */
export interface CaStore {
  putAuthority(rec: AuthorityRecord): Promise<void>;
  getAuthority(caId: string): Promise<AuthorityRecord | undefined>;
  /** Inserts a new certificate; CaError StoreConflict when the (caId, serial) exists. */
  insertCertificate(rec: CertificateRecord): Promise<void>;
  getCertificate(caId: string, serial: string): Promise<CertificateRecord | undefined>;
  /**
   * Compare-and-set of the status: applies the change only when the current status is one of
   * `from`; returns the updated record, or undefined when it did not apply (or no such serial).
   */
  updateStatus(
    caId: string,
    serial: string,
    from: readonly CertificateStatus[],
    change: StatusChange,
  ): Promise<CertificateRecord | undefined>;
  /** Certificates on hold or revoked whose notAfter is at or after `notExpiredAt` (the CRL entries). */
  listRevocations(caId: string, notExpiredAt: Date): Promise<CertificateRecord[]>;
  /** Allocates the next CRL number of a CA (1, 2, …), atomically. */
  nextCrlNumber(caId: string): Promise<number>;
  saveCrl(rec: CrlRecord): Promise<void>;
  latestCrl(caId: string): Promise<CrlRecord | undefined>;
}
