/**
 * The logical structure of a VSC (the seed's Fig. 1) as plain values. Byte layout:
 * docs/vsc-format.md. Everything here is what a sealed VSC version holds once opened; the
 * state (status, retry counters, expiry, binding) is a separate value, `VscState`.
 */

/** `\x89VSC\r\n\x1a\n`: non-ASCII first byte and CR LF / EOF bytes catch text-mode transfers. */
export const VSC_MAGIC = Buffer.from([0x89, 0x56, 0x53, 0x43, 0x0d, 0x0a, 0x1a, 0x0a]);
export const VSC_FORMAT_VERSION = 2;
/**
 * Format versions this program reads. Version 1 kept a fast PIN verifier (an HMAC-SHA-256 of the
 * padded PIN) in the password area; it is read and discarded, never written again.
 */
export const VSC_READABLE_FORMAT_VERSIONS: readonly number[] = [1, 2];
/** Preamble: magic (8), version (2), type of file (1), structure (1), length of the file (4). */
export const PREAMBLE_LENGTH = 16;
/** Files larger than this are rejected before parsing. */
export const MAX_FILE_LENGTH = 8 * 1024 * 1024;

/** "Type of file" of the seed's header. */
export enum VscFileType {
  /** One sealed content version: what manifests hash and archive volumes hold. */
  Content = 0x01,
  /** Sealed content plus its authenticated state section: a VSC kept as a file. */
  Standalone = 0x02,
}

/** "Structure of the file": variable-length area records (the only structure of version 1). */
export const STRUCTURE_AREAS = 0x01;

/** What the VSC is for; recorded in the header's attributes. */
export type VscKind = 'standalone' | 'escrow' | 'temporary' | 'backup';
export const VSC_KINDS: Record<VscKind, number> = { standalone: 1, escrow: 2, temporary: 3, backup: 4 };

/** The logical card structure the VSC twins (attributes); PIV is the only one so far. */
export type CardType = 'piv';
export const CARD_TYPES: Record<CardType, number> = { piv: 1 };

/** An HSM key by label and version, as every header and manifest names it. */
export interface KeyRef {
  readonly label: string;
  readonly version: number;
}

export interface KdfParams {
  readonly algorithm: 'argon2id';
  /** Memory in KiB. */
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

/** The cardholder path's KDF unless a caller asks otherwise: Argon2id, 64 MiB, 3 passes, 1 lane. */
export const DEFAULT_KDF: KdfParams = { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1 };
/** Bounds the format accepts (creation enforces DEFAULT_KDF's strength; see VscControlProgram). */
export const KDF_BOUNDS = { minMemoryKiB: 8192, maxMemoryKiB: 4 * 1024 * 1024, maxIterations: 64, maxParallelism: 16 } as const;

/**
 * Access conditions of the four areas (the seed's header field), fixed by the format version:
 * public: read always, write by the holder of an open VSC; private: read/write after the
 * cardholder or recovery path; secret keys: used by the control program only, never read;
 * password: read by the control program only.
 */
export const AccessCondition = { ALWAYS: 0x00, OPENED: 0x01, PROGRAM: 0x02, NEVER: 0xff } as const;
export const AREA_ACCESS = [
  // [read, write] for public, private, secret key, password
  [AccessCondition.ALWAYS, AccessCondition.OPENED],
  [AccessCondition.OPENED, AccessCondition.OPENED],
  [AccessCondition.NEVER, AccessCondition.OPENED],
  [AccessCondition.PROGRAM, AccessCondition.OPENED],
] as const;

/** "File hierarchy": where this version sits among the versions and VSCs it comes from. */
export interface VscHierarchy {
  /** 1 for the first sealed version, +1 for each change. */
  readonly version: number;
  /** SHA-256 of the previous version's content bytes (absent for version 1). */
  readonly previousHash?: Uint8Array;
  /** The VSC this one was derived from (a temporary card's or a reissue's source). */
  readonly parentId?: string;
}

export interface VscHeader {
  /** The unique identifier area: a random UUID, the card's CHUID GUID. */
  readonly id: string;
  /** e.g. "VSC 00001079". */
  readonly label: string;
  readonly kind: VscKind;
  readonly cardType: CardType;
  readonly hierarchy: VscHierarchy;
  /** Parameters of the PIN/PUK KDF (absent while no cardholder path exists). */
  readonly kdf?: KdfParams;
  /** The HSM keys protecting this version. */
  readonly keys: { readonly kek: KeyRef; readonly recovery: KeyRef };
}

/** Key slots of a PIV card: 9A, 9C, 9D, 9E and the retired slots 82..95. */
export function isPivKeySlot(slot: number): boolean {
  return slot === 0x9a || slot === 0x9c || slot === 0x9d || slot === 0x9e || (slot >= 0x82 && slot <= 0x95);
}

/** Slot as two hex digits ("9a"). */
export function slotName(slot: number): string {
  return slot.toString(16).padStart(2, '0');
}

/** PIV algorithm ids (SP 800-78 / Yubico) of asymmetric keys. */
export const KeyAlgorithm = { RSA1024: 0x06, RSA2048: 0x07, RSA3072: 0x05, RSA4096: 0x16, P256: 0x11, P384: 0x14 } as const;
export type KeyAlgorithmId = (typeof KeyAlgorithm)[keyof typeof KeyAlgorithm];
export const KEY_ALGORITHM_IDS: readonly KeyAlgorithmId[] = Object.values(KeyAlgorithm);
/** Algorithms the control program generates (the others only appear as public keys copied from cards). */
export const GENERATED_ALGORITHMS = {
  rsa2048: KeyAlgorithm.RSA2048,
  rsa3072: KeyAlgorithm.RSA3072,
  p256: KeyAlgorithm.P256,
  p384: KeyAlgorithm.P384,
} as const;
export type GeneratedAlgorithmName = keyof typeof GENERATED_ALGORITHMS;

export function algorithmName(alg: number): string {
  const e = Object.entries(KeyAlgorithm).find(([, v]) => v === alg);
  return e ? e[0].toLowerCase() : `alg-${alg.toString(16)}`;
}

/** Escrow policy of a slot (design: "Keys, escrow and policy"). */
export type EscrowPolicy = 'escrow' | 'on-card' | 'regenerate';
export const ESCROW_POLICIES: Record<EscrowPolicy, number> = { escrow: 1, 'on-card': 2, regenerate: 3 };
/** Where a key came from. */
export type KeyOrigin = 'generated' | 'imported' | 'copied';
export const KEY_ORIGINS: Record<KeyOrigin, number> = { generated: 1, imported: 2, copied: 3 };

export interface CertificateObject {
  readonly kind: 'certificate';
  /** Unique in the VSC (all kinds and areas). */
  readonly name: string;
  /** The PIV key slot this certificate belongs to, if any. */
  readonly slot?: number;
  readonly der: Uint8Array;
}

/** The public part of a key; the private part (if this VSC holds it) is in the secret-key area. */
export interface PublicKeyObject {
  readonly kind: 'key';
  readonly name: string;
  readonly slot: number;
  readonly algorithm: KeyAlgorithmId;
  /** SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
  readonly escrow: EscrowPolicy;
  readonly origin: KeyOrigin;
  /** Yubico PIN and touch policies (0 = the slot's default). */
  readonly pinPolicy: number;
  readonly touchPolicy: number;
}

export type DataArea = 'public' | 'private';

/** A named data object: the seed's address, account number, key information, business card, URLs. */
export interface DataObject {
  readonly kind: 'data';
  readonly name: string;
  readonly area: DataArea;
  /** e.g. "text/vcard", "text/uri-list" (optional). */
  readonly mediaType?: string;
  /** The card data object it was copied from or belongs in (e.g. 0x5FC102 CHUID, 0x5FC109 Printed Information). */
  readonly cardTag?: number;
  readonly value: Uint8Array;
}

export type VscObject = CertificateObject | PublicKeyObject | DataObject;

/** A private key of the secret-key area, PKCS#8 DER. */
export interface PrivateKeyRecord {
  readonly slot: number;
  readonly algorithm: KeyAlgorithmId;
  readonly pkcs8: Uint8Array;
}

/**
 * The password area: the card credentials the VSC keeps. It holds nothing derived from the
 * cardholder PIN: every VERIFY runs the cardholder path, whose GCM unwrap of the CEK is the check.
 */
export interface PasswordArea {
  /** The PUK (8-byte padded form) the card this VSC twins uses. */
  readonly puk?: Uint8Array;
  /** A 9B management key for the card this VSC twins: PIV algorithm id and key bytes. */
  readonly managementKey?: { readonly algorithm: number; readonly key: Uint8Array };
}

/** Everything a sealed VSC version holds, in the clear. */
export interface VscPlainContent {
  readonly header: VscHeader;
  readonly objects: readonly VscObject[];
  readonly privateKeys: readonly PrivateKeyRecord[];
  readonly password: PasswordArea;
}

export type VscStatus = 'active' | 'disabled';

export interface RetryCounter {
  readonly remaining: number;
  readonly total: number;
}

/**
 * The mutable state of a VSC, outside the content hash. The server keeps it in PostgreSQL for
 * managed VSCs; a standalone file carries it in an authenticated section.
 */
export interface VscState {
  /** Increases with every change, so a newer state is recognisable. */
  readonly sequence: number;
  readonly status: VscStatus;
  readonly pin: RetryCounter;
  readonly puk: RetryCounter;
  /** Unix time in seconds after which the VSC refuses to open or serve. */
  readonly expiresAt?: number;
  /** The physical card this VSC is the twin of. */
  readonly binding?: { readonly serial: string; readonly atr?: Uint8Array };
}

export const DEFAULT_PIN_TRIES = 3;
export const DEFAULT_PUK_TRIES = 3;

/** The state of a freshly created VSC. */
export function initialState(
  opts: { pinTries?: number; pukTries?: number; expiresAt?: number; binding?: VscState['binding'] } = {},
): VscState {
  const pin = opts.pinTries ?? DEFAULT_PIN_TRIES;
  const puk = opts.pukTries ?? DEFAULT_PUK_TRIES;
  return {
    sequence: 1,
    status: 'active',
    pin: { remaining: pin, total: pin },
    puk: { remaining: puk, total: puk },
    ...(opts.expiresAt !== undefined ? { expiresAt: opts.expiresAt } : {}),
    ...(opts.binding ? { binding: opts.binding } : {}),
  };
}

/** Limits of names and labels, in UTF-8 bytes. */
export const MAX_NAME = 64;
export const MAX_LABEL = 64;
export const MAX_MEDIA_TYPE = 127;
export const MAX_KEY_LABEL = 32;
