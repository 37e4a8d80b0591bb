import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs it loaded first
import * as x509 from '@peculiar/x509';
import { CaError, CaErrorCode } from './ca-errors';
import type { CertificateIdentity } from './ca.port';
import { OID } from './oids';

export type CertificateTemplateName =
  | 'piv-authentication'
  | 'piv-digital-signature'
  | 'piv-key-management'
  | 'piv-card-authentication'
  | 'piv-content-signer'
  | 'archive-signer';

/** The certificate policy groups an issuer can put its own policy OIDs under. */
export type PolicyGroup = 'authentication' | 'signature' | 'keyManagement' | 'cardAuth' | 'contentSigning' | 'archiveSigning';

export interface CertificateTemplate {
  readonly name: CertificateTemplateName;
  readonly description: string;
  /** Key usage bits (x509.KeyUsageFlags) for an EC or RSA subject key. */
  keyUsage(kind: 'ec' | 'rsa'): number;
  readonly extendedKeyUsages: readonly string[];
  /** Which identity fields go into the subject alternative name. */
  readonly san: { readonly upn: 'required' | 'no'; readonly cardUuid: 'required' | 'no'; readonly email: 'optional' | 'no' };
  readonly policyGroup: PolicyGroup;
  readonly defaultValidityDays: number;
  readonly subjectRequired: boolean;
}

const KU = x509.KeyUsageFlags;

/** Per-slot PIV certificate templates (SP 800-73-4 slots, FIPS 201-3 certificate profile). */
export const TEMPLATES: Readonly<Record<CertificateTemplateName, CertificateTemplate>> = {
  'piv-authentication': {
    name: 'piv-authentication',
    description: '9A PIV authentication: logon (UPN) and client authentication; PIN once per session',
    keyUsage: () => KU.digitalSignature,
    extendedKeyUsages: [OID.smartcardLogon, OID.clientAuth],
    san: { upn: 'required', cardUuid: 'required', email: 'no' },
    policyGroup: 'authentication',
    defaultValidityDays: 3 * 365,
    subjectRequired: true,
  },
  'piv-digital-signature': {
    name: 'piv-digital-signature',
    description: '9C digital signature: documents and e-mail; PIN before every signature',
    keyUsage: () => KU.digitalSignature | KU.nonRepudiation,
    extendedKeyUsages: [OID.emailProtection],
    san: { upn: 'no', cardUuid: 'no', email: 'optional' },
    policyGroup: 'signature',
    defaultValidityDays: 3 * 365,
    subjectRequired: true,
  },
  'piv-key-management': {
    name: 'piv-key-management',
    description: '9D key management (and retired slots 82-95): decryption / key agreement, escrowed',
    keyUsage: (kind) => (kind === 'rsa' ? KU.keyEncipherment : KU.keyAgreement),
    extendedKeyUsages: [OID.emailProtection],
    san: { upn: 'no', cardUuid: 'no', email: 'optional' },
    policyGroup: 'keyManagement',
    defaultValidityDays: 3 * 365,
    subjectRequired: true,
  },
  'piv-card-authentication': {
    name: 'piv-card-authentication',
    description: '9E card authentication: physical access, no PIN; the subject carries no personal data',
    keyUsage: () => KU.digitalSignature,
    extendedKeyUsages: [OID.pivCardAuth],
    san: { upn: 'no', cardUuid: 'required', email: 'no' },
    policyGroup: 'cardAuth',
    defaultValidityDays: 3 * 365,
    subjectRequired: false,
  },
  'piv-content-signer': {
    name: 'piv-content-signer',
    description: 'PIV content signer: signs the CHUID and the Security Object (key stays in the HSM)',
    keyUsage: () => KU.digitalSignature,
    extendedKeyUsages: [OID.pivContentSigning],
    san: { upn: 'no', cardUuid: 'no', email: 'no' },
    policyGroup: 'contentSigning',
    defaultValidityDays: 6 * 365,
    subjectRequired: true,
  },
  'archive-signer': {
    name: 'archive-signer',
    description: 'Archive signer: signs the manifests and sidecars of archive volumes (key scm-archive in the HSM)',
    keyUsage: () => KU.digitalSignature,
    extendedKeyUsages: [OID.documentSigning],
    san: { upn: 'no', cardUuid: 'no', email: 'no' },
    policyGroup: 'archiveSigning',
    defaultValidityDays: 10 * 365,
    subjectRequired: true,
  },
};

/** The template of a PIV key slot: 9A, 9C, 9D, 9E, or a retired key-management slot 82–95. */
export function templateForSlot(slot: string): CertificateTemplateName {
  const s = slot.toLowerCase().replace(/^0x/, '');
  if (s === '9a') return 'piv-authentication';
  if (s === '9c') return 'piv-digital-signature';
  if (s === '9d') return 'piv-key-management';
  if (s === '9e') return 'piv-card-authentication';
  const n = parseInt(s, 16);
  if (/^[0-9a-f]{2}$/.test(s) && n >= 0x82 && n <= 0x95) return 'piv-key-management';
  throw new CaError(CaErrorCode.InvalidRequest, `PIV slot ${slot} has no certificate template`, { slot });
}

/** Canonical lower-case UUID, or a CaError. */
export function canonicalUuid(uuid: string): string {
  const u = uuid
    .trim()
    .toLowerCase()
    .replace(/^urn:uuid:/, '');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(u)) {
    throw new CaError(CaErrorCode.InvalidRequest, `"${uuid}" is not a UUID`, {});
  }
  return u;
}

/** The subject alternative name entries of a template for an identity; throws on missing required fields. */
export function subjectAltNames(t: CertificateTemplate, id: CertificateIdentity): x509.JsonGeneralName[] {
  const names: x509.JsonGeneralName[] = [];
  if (t.san.upn === 'required') {
    if (!id.upn || !/^[^@\s]+@[^@\s]+$/.test(id.upn)) throw missing(t, 'a UPN (user@realm)');
    names.push({ type: 'upn', value: id.upn });
  }
  if (t.san.email === 'optional' && id.email) {
    if (!/^[^@\s]+@[^@\s]+$/.test(id.email)) throw new CaError(CaErrorCode.InvalidRequest, `"${id.email}" is not an e-mail address`, {});
    names.push({ type: 'email', value: id.email });
  }
  if (t.san.cardUuid === 'required') {
    if (!id.cardUuid) throw missing(t, 'the card UUID');
    names.push({ type: 'url', value: `urn:uuid:${canonicalUuid(id.cardUuid)}` });
  }
  return names;
}

function missing(t: CertificateTemplate, what: string): CaError {
  return new CaError(CaErrorCode.InvalidRequest, `template ${t.name} needs ${what}`, { template: t.name });
}
