/** The PIV application identifier (NIST SP 800-73-4); SELECT sends the first 5 bytes as ykpiv does. */
export const PIV_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00);
export const PIV_AID_SHORT = PIV_AID.subarray(0, 5);
/** Yubico's management application (selecting it drops the PIV security state). */
export const YUBICO_MGMT_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x05, 0x27, 0x47, 0x11, 0x17);

/** Instruction bytes (ISO 7816-4, SP 800-73-4 and the Yubico extensions). */
export const INS = {
  SELECT: 0xa4,
  VERIFY: 0x20,
  CHANGE_REFERENCE: 0x24,
  RESET_RETRY: 0x2c,
  GENERAL_AUTHENTICATE: 0x87,
  GENERATE_KEY: 0x47,
  GET_DATA: 0xcb,
  PUT_DATA: 0xdb,
  GET_RESPONSE: 0xc0,
  // Yubico
  VERSION: 0xfd,
  SERIAL: 0xf8,
  IMPORT_KEY: 0xfe,
  SET_MGMT_KEY: 0xff,
  ATTEST: 0xf9,
  GET_METADATA: 0xf7,
  RESET: 0xfb,
  SET_PIN_RETRIES: 0xfa,
} as const;

/** Key slots that hold asymmetric keys. */
export const SLOT = {
  AUTHENTICATION: 0x9a,
  SIGNATURE: 0x9c,
  KEY_MANAGEMENT: 0x9d,
  CARD_AUTH: 0x9e,
  ATTESTATION: 0xf9,
} as const;

/** Retired key-management slots 82..95. */
export const RETIRED_SLOTS: readonly number[] = Array.from({ length: 20 }, (_, i) => 0x82 + i);

/** Every slot SCM reads and writes: 9A, 9C, 9D, 9E, then 82..95. */
export const KEY_SLOTS: readonly number[] = [SLOT.AUTHENTICATION, SLOT.SIGNATURE, SLOT.KEY_MANAGEMENT, SLOT.CARD_AUTH, ...RETIRED_SLOTS];

/** Key references that are not slots. */
export const KEY_REF = {
  PIN: 0x80,
  PUK: 0x81,
  GLOBAL_PIN: 0x00,
  MANAGEMENT: 0x9b,
} as const;

/** Algorithm identifiers (SP 800-78 and Yubico). */
export const ALGORITHM = {
  TDES: 0x03,
  AES128: 0x08,
  AES192: 0x0a,
  AES256: 0x0c,
  RSA1024: 0x06,
  RSA2048: 0x07,
  RSA3072: 0x05,
  RSA4096: 0x16,
  ECCP256: 0x11,
  ECCP384: 0x14,
} as const;
export type ManagementKeyAlgorithm = typeof ALGORITHM.TDES | typeof ALGORITHM.AES128 | typeof ALGORITHM.AES192 | typeof ALGORITHM.AES256;
export type AsymmetricAlgorithm =
  | typeof ALGORITHM.RSA1024
  | typeof ALGORITHM.RSA2048
  | typeof ALGORITHM.RSA3072
  | typeof ALGORITHM.RSA4096
  | typeof ALGORITHM.ECCP256
  | typeof ALGORITHM.ECCP384;

/** Sizes that go with each algorithm: key bytes for management keys, block or field bytes otherwise. */
export const ALGORITHM_INFO: Readonly<
  Record<number, { name: string; kind: 'sym' | 'rsa' | 'ec'; bytes: number; block?: number; curve?: string }>
> = {
  [ALGORITHM.TDES]: { name: '3DES', kind: 'sym', bytes: 24, block: 8 },
  [ALGORITHM.AES128]: { name: 'AES-128', kind: 'sym', bytes: 16, block: 16 },
  [ALGORITHM.AES192]: { name: 'AES-192', kind: 'sym', bytes: 24, block: 16 },
  [ALGORITHM.AES256]: { name: 'AES-256', kind: 'sym', bytes: 32, block: 16 },
  [ALGORITHM.RSA1024]: { name: 'RSA-1024', kind: 'rsa', bytes: 128 },
  [ALGORITHM.RSA2048]: { name: 'RSA-2048', kind: 'rsa', bytes: 256 },
  [ALGORITHM.RSA3072]: { name: 'RSA-3072', kind: 'rsa', bytes: 384 },
  [ALGORITHM.RSA4096]: { name: 'RSA-4096', kind: 'rsa', bytes: 512 },
  [ALGORITHM.ECCP256]: { name: 'P-256', kind: 'ec', bytes: 32, curve: 'P-256' },
  [ALGORITHM.ECCP384]: { name: 'P-384', kind: 'ec', bytes: 48, curve: 'P-384' },
};

/** PIN policy of a key (Yubico tag AA). */
export const PIN_POLICY = { DEFAULT: 0, NEVER: 1, ONCE: 2, ALWAYS: 3 } as const;
/** Touch policy of a key (Yubico tag AB). */
export const TOUCH_POLICY = { DEFAULT: 0, NEVER: 1, ALWAYS: 2, CACHED: 3 } as const;
export type PinPolicy = (typeof PIN_POLICY)[keyof typeof PIN_POLICY];
export type TouchPolicy = (typeof TOUCH_POLICY)[keyof typeof TOUCH_POLICY];

/** Data object tags (GET DATA / PUT DATA). */
export const OBJECT = {
  CCC: 0x5fc107,
  CHUID: 0x5fc102,
  FINGERPRINTS: 0x5fc103,
  SECURITY: 0x5fc106,
  FACIAL: 0x5fc108,
  PRINTED: 0x5fc109,
  IRIS: 0x5fc121,
  KEY_HISTORY: 0x5fc10c,
  DISCOVERY: 0x7e,
  BITGT: 0x7f61,
  CERT_AUTHENTICATION: 0x5fc105,
  CERT_SIGNATURE: 0x5fc10a,
  CERT_KEY_MANAGEMENT: 0x5fc10b,
  CERT_CARD_AUTH: 0x5fc101,
  ATTESTATION_CERT: 0x5fff01,
} as const;

/** The certificate object of a key slot (9A, 9C, 9D, 9E, 82..95, F9). */
export function certObjectOf(slot: number): number {
  switch (slot) {
    case SLOT.AUTHENTICATION:
      return OBJECT.CERT_AUTHENTICATION;
    case SLOT.SIGNATURE:
      return OBJECT.CERT_SIGNATURE;
    case SLOT.KEY_MANAGEMENT:
      return OBJECT.CERT_KEY_MANAGEMENT;
    case SLOT.CARD_AUTH:
      return OBJECT.CERT_CARD_AUTH;
    case SLOT.ATTESTATION:
      return OBJECT.ATTESTATION_CERT;
    default:
      if (slot >= 0x82 && slot <= 0x95) return 0x5fc10d + (slot - 0x82);
      throw new RangeError(`0x${slot.toString(16)} is not a PIV key slot`);
  }
}

/** Slot name for output ("9A"). */
export function slotName(slot: number): string {
  return slot.toString(16).toUpperCase().padStart(2, '0');
}

/** Card defaults of a blank PIV card (YubiKey and the SCM software card). */
export const DEFAULTS = {
  PIN: '123456',
  PUK: '12345678',
  MANAGEMENT_KEY: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8),
} as const;

/** ykpiv's FASC-N template (agency 9999, the value yubico-piv-tool writes). */
export const DEFAULT_FASCN = Uint8Array.of(
  0xd4,
  0xe7,
  0x39,
  0xda,
  0x73,
  0x9c,
  0xed,
  0x39,
  0xce,
  0x73,
  0x9d,
  0x83,
  0x68,
  0x58,
  0x21,
  0x08,
  0x42,
  0x10,
  0x84,
  0x21,
  0xc8,
  0x42,
  0x10,
  0xc3,
  0xeb,
);
