import { MechanismEnum } from 'graphene-pk11';
import type { SecretKeyAlgorithm, SigningKeyAlgorithm } from './hsm-keys';

/**
 * What each SCM key in the HSM may do, in one table: the usage attributes (CKA_ENCRYPT … CKA_DERIVE)
 * and CKA_ALLOWED_MECHANISMS of every key SCM creates. Secret and private keys are always
 * CKA_SENSITIVE and never CKA_EXTRACTABLE. Keys created by older versions keep the attributes they
 * were created with (PKCS#11 does not let them be widened or narrowed safely); docs/hsm.md.
 */

/** How a key is used; each profile fixes the key's usage attributes and allowed mechanisms. */
export type KeyProfile =
  /** AES-256-GCM encrypt/decrypt (HsmSecretKey.encrypt/decrypt). */
  | 'aes-gcm'
  /** AES key wrap, RFC 3394 (HsmSecretKey.wrap/unwrap). */
  | 'aes-key-wrap'
  /** AES key wrap with padding, RFC 5649 (the stock key wrapping transport keys). */
  | 'aes-key-wrap-pad'
  /** AES key derivation by CBC-encrypting data (the management-key master). */
  | 'aes-derive'
  /** HMAC-SHA-256 sign/verify. */
  | 'hmac-sha256'
  /** ECDSA with SHA-256 (P-256) or SHA-384 (P-384), hashed by the HSM or before it. */
  | 'ecdsa'
  /** RSASSA-PKCS1-v1_5 with SHA-256. */
  | 'rsa-pkcs1-sha256';

export type KeyUsage = 'encrypt' | 'decrypt' | 'sign' | 'verify' | 'wrap' | 'unwrap' | 'derive';
export const KEY_USAGES: readonly KeyUsage[] = ['encrypt', 'decrypt', 'sign', 'verify', 'wrap', 'unwrap', 'derive'];

export type KeyObjectClass = 'secret' | 'private' | 'public';

/** The usage attributes each class of key object carries (PKCS#11 §4.8–4.10). */
export const CLASS_USAGES: Record<KeyObjectClass, readonly KeyUsage[]> = {
  secret: KEY_USAGES,
  private: ['decrypt', 'sign', 'unwrap', 'derive'],
  public: ['encrypt', 'verify', 'wrap', 'derive'],
};

/** The attributes of one key object: the usages set to true (all others false) and the allowed mechanisms. */
export interface KeyObjectPolicy {
  usages: KeyUsage[];
  mechanisms: MechanismEnum[];
}

/** Attributes per profile: secret key, or the private and public halves of a pair. */
export function profilePolicy(
  profile: KeyProfile,
  algorithm?: SigningKeyAlgorithm,
): { secret?: KeyObjectPolicy; private?: KeyObjectPolicy; public?: KeyObjectPolicy } {
  switch (profile) {
    case 'aes-gcm':
      return { secret: { usages: ['encrypt', 'decrypt'], mechanisms: [MechanismEnum.AES_GCM] } };
    case 'aes-key-wrap':
      return { secret: { usages: ['wrap', 'unwrap'], mechanisms: [MechanismEnum.AES_KEY_WRAP] } };
    case 'aes-key-wrap-pad':
      return { secret: { usages: ['wrap', 'unwrap'], mechanisms: [MechanismEnum.AES_KEY_WRAP_PAD] } };
    case 'aes-derive':
      return { secret: { usages: ['derive'], mechanisms: [MechanismEnum.AES_CBC_ENCRYPT_DATA] } };
    case 'hmac-sha256':
      return { secret: { usages: ['sign', 'verify'], mechanisms: [MechanismEnum.SHA256_HMAC] } };
    case 'ecdsa': {
      // node-webcrypto-p11 signs with CKM_ECDSA_SHAxxx or, when it picks it, CKM_ECDSA over a hash.
      const mechanisms = [MechanismEnum.ECDSA, algorithm === 'P-384' ? MechanismEnum.ECDSA_SHA384 : MechanismEnum.ECDSA_SHA256];
      return { private: { usages: ['sign'], mechanisms }, public: { usages: ['verify'], mechanisms } };
    }
    case 'rsa-pkcs1-sha256': {
      const mechanisms = [MechanismEnum.SHA256_RSA_PKCS];
      return { private: { usages: ['sign'], mechanisms }, public: { usages: ['verify'], mechanisms } };
    }
  }
}

/** One key SCM keeps in the HSM, by label (every version of it). */
export interface ScmKeySpec {
  label: string;
  purpose: string;
  /** The algorithm SCM creates it with; `signing` for pairs whose algorithm is configurable (CA keys). */
  algorithm: SigningKeyAlgorithm | SecretKeyAlgorithm | 'signing';
  /** Secret keys: the profile. Pairs take theirs from the algorithm (ECDSA or RSA). */
  profile?: KeyProfile;
}

/** Every key SCM creates in the HSM. A key on the token that is not here is not SCM's. */
export const SCM_HSM_KEYS: readonly ScmKeySpec[] = [
  { label: 'scm-audit-checkpoint', purpose: 'signs audit chain checkpoints', algorithm: 'P-256' },
  {
    label: 'scm-vsc-kek',
    purpose: 'VSC escrow KEK: HMAC deriving cardholder keys and sealing VSC state',
    algorithm: 'HMAC-SHA-256',
    profile: 'hmac-sha256',
  },
  { label: 'scm-recovery', purpose: 'VSC recovery key: AES-GCM sealing each VSC content key', algorithm: 'AES-256', profile: 'aes-gcm' },
  { label: 'scm-mgmt-master', purpose: 'derives each card management key', algorithm: 'AES-256', profile: 'aes-derive' },
  { label: 'scm-puk', purpose: 'AES-GCM sealing each card PUK', algorithm: 'AES-256', profile: 'aes-gcm' },
  { label: 'scm-stock-kek', purpose: 'wraps the transport keys of card stock', algorithm: 'AES-256', profile: 'aes-key-wrap-pad' },
  { label: 'scm-package-signing', purpose: 'signs key packages for card workers', algorithm: 'P-256' },
  { label: 'scm-archive', purpose: 'signs archive seals', algorithm: 'P-256' },
  { label: 'scm-ca-root', purpose: 'root CA', algorithm: 'signing' },
  { label: 'scm-ca-issuing', purpose: 'issuing CA', algorithm: 'signing' },
  { label: 'scm-content-signer', purpose: 'PIV content signer (CHUID, security object)', algorithm: 'P-256' },
];

export function scmKeySpec(label: string): ScmKeySpec | undefined {
  return SCM_HSM_KEYS.find((k) => k.label === label);
}

/** The profile of a pair: from its algorithm. */
export function pairProfile(algorithm: SigningKeyAlgorithm): KeyProfile {
  return algorithm === 'P-256' || algorithm === 'P-384' ? 'ecdsa' : 'rsa-pkcs1-sha256';
}

/** The profile of a secret key: the table's for SCM keys, else the default use of its algorithm. */
export function secretProfile(label: string, algorithm: SecretKeyAlgorithm, explicit?: KeyProfile): KeyProfile {
  return explicit ?? scmKeySpec(label)?.profile ?? (algorithm === 'AES-256' ? 'aes-gcm' : 'hmac-sha256');
}

/** CKA_ALLOWED_MECHANISMS is an array of CK_MECHANISM_TYPE (CK_ULONG, native byte order, 64-bit here). */
export function encodeMechanisms(mechs: readonly number[]): Buffer {
  const b = Buffer.alloc(mechs.length * 8);
  mechs.forEach((m, i) => b.writeBigUInt64LE(BigInt(m), i * 8));
  return b;
}

export function decodeMechanisms(b: Buffer | undefined | null): number[] {
  if (!b) return [];
  const out: number[] = [];
  for (let i = 0; i + 8 <= b.length; i += 8) out.push(Number(b.readBigUInt64LE(i)));
  return out;
}

/** The template part fixing a key object's usages and allowed mechanisms. */
export function policyTemplate(p: KeyObjectPolicy, cls: KeyObjectClass): Record<string, unknown> {
  const t: Record<string, unknown> = {};
  for (const u of CLASS_USAGES[cls]) t[u] = p.usages.includes(u);
  t.allowedMechanisms = encodeMechanisms(p.mechanisms);
  return t;
}

/** Name of a mechanism, for listings. */
export function mechanismName(m: number): string {
  return (MechanismEnum as unknown as Record<number, string>)[m] ?? `0x${m.toString(16)}`;
}

/**
 * How a key object on the token compares with the table: `ok`, `not SCM` (label not in the table),
 * or what differs (keys made by older versions keep their attributes: docs/hsm.md).
 */
export function checkKeyObject(o: {
  label: string;
  class: KeyObjectClass;
  keyType: string;
  extractable?: boolean;
  sensitive?: boolean;
  usages: KeyUsage[];
  mechanisms: number[];
}): string {
  const spec = scmKeySpec(o.label.replace(/\/\d+$/, ''));
  if (!spec) return 'not SCM';
  const pair = spec.profile === undefined;
  if (pair === (o.class === 'secret')) return `is a ${o.class} key`;
  let policy: KeyObjectPolicy | undefined;
  if (pair) {
    const alg: SigningKeyAlgorithm | undefined =
      o.keyType === 'RSA' ? 'RSA-2048' : o.keyType === 'EC' ? (spec.algorithm === 'P-256' ? 'P-256' : 'P-384') : undefined;
    if (!alg) return `key type ${o.keyType}`;
    policy = profilePolicy(pairProfile(alg), alg)[o.class as 'private' | 'public'];
  } else policy = profilePolicy(spec.profile!).secret;
  const diffs: string[] = [];
  if (o.class !== 'public' && (o.extractable !== false || o.sensitive !== true)) diffs.push('extractable or not sensitive');
  const want = [...policy!.usages].sort().join(',');
  if ([...o.usages].sort().join(',') !== want) diffs.push(`usages ${[...o.usages].sort().join(',') || '-'} (table: ${want})`);
  const wantM = policy!.mechanisms.map(mechanismName).sort().join(',');
  const gotM = o.mechanisms.map(mechanismName).sort().join(',');
  if (gotM !== wantM) diffs.push(`mechanisms ${gotM || 'any'} (table: ${wantM})`);
  return diffs.length ? diffs.join('; ') : 'ok';
}
