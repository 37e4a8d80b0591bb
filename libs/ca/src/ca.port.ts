import type { CertificateTemplateName } from './piv-templates';

/** Revocation reasons SCM uses (RFC 5280 CRLReason); a hold is {@link CertificateAuthorityPort.hold}. */
export type RevocationReason =
  'unspecified' | 'keyCompromise' | 'affiliationChanged' | 'superseded' | 'cessationOfOperation' | 'privilegeWithdrawn';

export type CertificateStatus = 'valid' | 'on-hold' | 'revoked';

/** Subject DN: a string in RFC 4514 order as @peculiar/x509 reads it ("CN=..., O=..."), or parts. */
export type SubjectName = string | { commonName: string; organization?: string; organizationalUnit?: string[]; country?: string };

/** Who the certificate is for: the parts that go into the subject alternative name. */
export interface CertificateIdentity {
  /** The VSC/card UUID (CHUID GUID); a URI `urn:uuid:…` in 9A and 9E certificates. */
  cardUuid?: string;
  /** User principal name, an otherName msUPN in 9A certificates. */
  upn?: string;
  /** E-mail address (rfc822Name) in 9C and 9D certificates. */
  email?: string;
}

export interface IssueCertificateRequest {
  template: CertificateTemplateName;
  /** SubjectPublicKeyInfo, DER. RSA 2048/3072/4096 or EC P-256/P-384. */
  publicKey: Uint8Array;
  /** Required except for card authentication (default CN = the card UUID, no personal data). */
  subject?: SubjectName;
  identity: CertificateIdentity;
  /** Defaults: now − 5 min, and the template's validity; never beyond the CA certificate. */
  validity?: { notBefore?: Date; notAfter?: Date; days?: number };
  /** Stored with the record for the caller's lookups (issuance request, card, slot). */
  reference?: Record<string, string>;
}

export interface IssuedCertificate {
  caId: string;
  /** Lower-case hex, 16 bytes. */
  serial: string;
  template: CertificateTemplateName | 'subordinate-ca';
  subject: string;
  notBefore: Date;
  notAfter: Date;
  der: Buffer;
  pem: string;
}

export interface CertificateInfo extends IssuedCertificate {
  status: CertificateStatus;
  reason?: RevocationReason;
  revokedAt?: Date;
  reference?: Record<string, string>;
}

export interface CrlResult {
  caId: string;
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
  der: Buffer;
  pem: string;
}

export interface CaCertificates {
  caId: string;
  /** The certificate of this CA, DER. */
  certificate: Buffer;
  /** From this CA up to and including the root, DER. */
  chain: Buffer[];
  /** Where the CRL and the CA certificate are published. */
  crlUrl: string;
  caIssuersUrl: string;
}

/**
 * The issuing CA as SCM sees it. {@link HsmCertificateAuthority} implements it with keys in the
 * HSM; an external CA (EJBCA, AD CS, a managed PKI) plugs in behind the same interface.
 */
export interface CertificateAuthorityPort {
  readonly id: string;
  /** Issues a certificate for a public key with a PIV template, subject and validity. */
  issue(req: IssueCertificateRequest): Promise<IssuedCertificate>;
  /** Revokes a certificate (also one on hold); revoking again only escalates to keyCompromise. */
  revoke(serial: string, reason: RevocationReason, opts?: { at?: Date; invalidityDate?: Date }): Promise<CertificateInfo>;
  /** Puts a valid certificate on hold (certificateHold). */
  hold(serial: string, opts?: { at?: Date }): Promise<CertificateInfo>;
  /** Releases a hold: the certificate is valid again and leaves the next CRL. */
  release(serial: string): Promise<CertificateInfo>;
  /** A certificate and its status. */
  get(serial: string): Promise<CertificateInfo>;
  /** Signs and stores a new full CRL with the next CRL number. */
  generateCrl(opts?: { nextUpdate?: Date }): Promise<CrlResult>;
  /** The latest CRL, if any was made. */
  latestCrl(): Promise<CrlResult | undefined>;
  /** This CA's certificate and chain to the root, and its publication URLs. */
  certificates(): Promise<CaCertificates>;
}
