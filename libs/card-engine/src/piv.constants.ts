/**
 * PIV (SP 800-73-4) and Yubico-extension constants the card engine answers to, with the byte
 * values OpenSC 0.23 and yubico-piv-tool 2.2 use. Status words come from @scm/apdu (`SW`).
 */

/** The full PIV AID; SELECT accepts any prefix of at least PIV_AID_MIN_PREFIX bytes. */
export const PIV_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00);
export const PIV_AID_MIN_PREFIX = 5;
/** Yubico management application: selecting it "de-authenticates" PIV (ykpiv relies on it). */
export const YUBICO_MGMT_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x05, 0x27, 0x47, 0x11, 0x17);

export const Ins = {
  SELECT: 0xa4,
  GET_RESPONSE: 0xc0,
  GET_DATA: 0xcb,
  PUT_DATA: 0xdb,
  VERIFY: 0x20,
  CHANGE_REFERENCE: 0x24,
  RESET_RETRY: 0x2c,
  GENERAL_AUTHENTICATE: 0x87,
  GENERATE: 0x47,
  // Yubico extensions
  SET_MGMKEY: 0xff,
  IMPORT_KEY: 0xfe,
  GET_VERSION: 0xfd,
  RESET: 0xfb,
  SET_PIN_RETRIES: 0xfa,
  ATTEST: 0xf9,
  GET_SERIAL: 0xf8,
  GET_METADATA: 0xf7,
} as const;

/** Key references (P2 of VERIFY / GENERAL AUTHENTICATE etc.). */
export const KeyRef = {
  PIN: 0x80,
  PUK: 0x81,
  GLOBAL_PIN: 0x00,
  MANAGEMENT: 0x9b,
  AUTHENTICATION: 0x9a,
  SIGNATURE: 0x9c,
  KEY_MANAGEMENT: 0x9d,
  CARD_AUTH: 0x9e,
  ATTESTATION: 0xf9,
} as const;

/** Asymmetric algorithm ids (P1 of GENERAL AUTHENTICATE, tag 80 of GENERATE, P1 of IMPORT). */
export const KeyAlgorithm = { RSA1024: 0x06, RSA2048: 0x07, RSA3072: 0x05, P256: 0x11, P384: 0x14 } as const;
export type KeyAlgorithmId = (typeof KeyAlgorithm)[keyof typeof KeyAlgorithm];

/** Management key (9B) algorithm ids. */
export const MgmAlgorithm = { TDES: 0x03, AES128: 0x08, AES192: 0x0a, AES256: 0x0c } as const;
export type MgmAlgorithmId = (typeof MgmAlgorithm)[keyof typeof MgmAlgorithm];

/** Yubico PIN policy (tag AA): 0 means "the slot's default". */
export const PinPolicy = { DEFAULT: 0, NEVER: 1, ONCE: 2, ALWAYS: 3 } as const;
export type PinPolicyId = (typeof PinPolicy)[keyof typeof PinPolicy];
/** Yubico touch policy (tag AB): stored and reported; the software card never waits for a touch. */
export const TouchPolicy = { DEFAULT: 0, NEVER: 1, ALWAYS: 2, CACHED: 3 } as const;
export type TouchPolicyId = (typeof TouchPolicy)[keyof typeof TouchPolicy];

export const Defaults = {
  PIN: '123456',
  PUK: '12345678',
  PIN_RETRIES: 3,
  PUK_RETRIES: 3,
  /** 0102030405060708 three times, a 3DES key (firmware before 5.7). */
  MANAGEMENT_KEY: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8]),
  MANAGEMENT_ALGORITHM: MgmAlgorithm.TDES as MgmAlgorithmId,
  /** YubiKey 5 over CCID: T=1, historical bytes with capabilities 73 C0 21 C0 and tag 5 "YubiKey". */
  ATR: Uint8Array.from([
    0x3b, 0xfd, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x15, 0x80, 0x73, 0xc0, 0x21, 0xc0, 0x57, 0x59, 0x75, 0x62, 0x69, 0x4b, 0x65, 0x79,
    0x40,
  ]),
  VERSION: [5, 4, 3] as const,
} as const;

/** Slots that hold asymmetric keys: 9A, 9C, 9D, 9E, retired 82..95, and F9 (attestation). */
export function isKeySlot(slot: number): boolean {
  return slot === 0x9a || slot === 0x9c || slot === 0x9d || slot === 0x9e || (slot >= 0x82 && slot <= 0x95) || slot === 0xf9;
}

/** The PIN policy a slot gets when the host asks for "default". */
export function defaultPinPolicy(slot: number): PinPolicyId {
  if (slot === 0x9c) return PinPolicy.ALWAYS;
  if (slot === 0x9e || slot === 0xf9) return PinPolicy.NEVER;
  return PinPolicy.ONCE;
}

export const ObjectTag = {
  DISCOVERY: 0x7e,
  BIT_GROUP: 0x7f61,
  CARD_AUTH_CERT: 0x5fc101,
  CHUID: 0x5fc102,
  FINGERPRINTS: 0x5fc103,
  AUTH_CERT: 0x5fc105,
  SECURITY_OBJECT: 0x5fc106,
  CCC: 0x5fc107,
  FACIAL: 0x5fc108,
  PRINTED_INFO: 0x5fc109,
  SIGN_CERT: 0x5fc10a,
  KEY_MGMT_CERT: 0x5fc10b,
  KEY_HISTORY: 0x5fc10c,
  RETIRED_FIRST: 0x5fc10d,
  RETIRED_LAST: 0x5fc120,
  IRIS: 0x5fc121,
  YUBICO_ADMIN: 0x5fff00,
  ATTESTATION_CERT: 0x5fff01,
} as const;

/** Objects whose GET DATA needs the PIN (SP 800-73-4 table 3, plus Printed Information). */
export const PIN_PROTECTED_OBJECTS: ReadonlySet<number> = new Set([
  ObjectTag.FINGERPRINTS,
  ObjectTag.FACIAL,
  ObjectTag.PRINTED_INFO,
  ObjectTag.IRIS,
]);

/** Data objects a YubiKey stores: the SP 800-73-4 range, Yubico's 5FFFxx range, Discovery and BIT group. */
export function isObjectTag(tag: number): boolean {
  return (
    tag === ObjectTag.DISCOVERY ||
    tag === ObjectTag.BIT_GROUP ||
    (tag >= 0x5fc101 && tag <= 0x5fc123) ||
    (tag >= 0x5fff00 && tag <= 0x5fff15)
  );
}

/** Discovery object value (inside 7E) as a YubiKey returns it: PIV AID and PIN usage policy 40 00. */
export const DEFAULT_DISCOVERY = Uint8Array.from([
  0x4f, 0x0b, 0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x5f, 0x2f, 0x02, 0x40, 0x00,
]);

/** The largest object value (inside 53) a YubiKey 5 accepts. */
export const MAX_OBJECT_SIZE = 3063;
