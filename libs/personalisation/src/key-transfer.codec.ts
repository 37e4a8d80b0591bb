import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  createHash,
  verify as verifySignature,
  type KeyObject,
} from 'node:crypto';

/** The one algorithm suite of key transfer. */
export const KEY_TRANSFER_ALG = 'X25519-HKDF-SHA256-A256GCM';
const INFO_PREFIX = 'SCM key transfer v2\0';
const SIGNING_PREFIX = 'SCM key package v2\0';

/** What a key package is for: the cardholder keys and PUK of a personalisation, a card's new management key, an activation's PUK. */
export type KeyPackagePurpose = 'key-material' | 'management-key' | 'activation-puk' | 'card-update';

/** How long a key package may be used after the API made it. */
export const KEY_PACKAGE_TTL_MS = 5 * 60_000;

/**
 * What the API tells the worker in clear: bound into the AEAD as associated data and covered by
 * the API's signature. A package is for one request, one worker, one card (serial), one purpose,
 * until it expires.
 */
export interface KeyTransferHeader {
  v: 2;
  alg: typeof KEY_TRANSFER_ALG;
  requestId: string;
  workerId: string;
  vscId: string;
  vscVersion: number;
  purpose: KeyPackagePurpose;
  /** The serial of the card the request is bound to. */
  cardSerial: string;
  /** ISO 8601; the worker refuses the package after it. */
  expiresAt: string;
}

/**
 * Key material wrapped for one enrolled worker: ephemeral X25519 ECDH with the worker's key
 * (card_worker.kex_key), HKDF-SHA-256 (salt random, info = prefix ‖ canonical header) to an
 * AES-256-GCM key, the header as associated data. Only the worker's X25519 private key opens it.
 */
export interface WrappedKeyMaterial {
  header: KeyTransferHeader;
  /** Ephemeral X25519 public key, SPKI DER, base64. */
  epk: string;
  salt: string;
  nonce: string;
  ciphertext: string;
  tag: string;
  /** ECDSA P-256 / SHA-256 signature (DER, base64) of the API's package key over packageSigningInput. */
  signature?: string;
  /** Label of the API's package key. */
  signer?: string;
}

/** The plaintext: private keys of the escrow and regenerate slots, and the card's PUK. */
export interface KeyMaterial {
  keys: Array<{ slot: string; algorithm: string; pkcs8: Buffer }>;
  /** The PUK in its 8-byte padded form (absent if the VSC holds none). */
  puk?: Buffer;
  /** A card's new management key for SET MANAGEMENT KEY (PIV algorithm id, key bytes); sent alone, just in time. */
  managementKey?: { algorithm: number; key: Buffer };
}

const headerBytes = (h: KeyTransferHeader): Buffer =>
  Buffer.from(JSON.stringify([h.v, h.alg, h.requestId, h.workerId, h.vscId, h.vscVersion, h.purpose, h.cardSerial, h.expiresAt]), 'utf8');

/** What the API signs: a domain string, then SHA-256 over the header and every part of the sealed package. */
export function packageSigningInput(w: WrappedKeyMaterial): Buffer {
  const h = createHash('sha256');
  for (const part of [headerBytes(w.header), w.epk, w.salt, w.nonce, w.ciphertext, w.tag]) {
    const b = Buffer.isBuffer(part) ? part : Buffer.from(part, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    h.update(len).update(b);
  }
  return Buffer.concat([Buffer.from(SIGNING_PREFIX, 'latin1'), h.digest()]);
}

/** Why a worker refuses a key package (its signature, its card, its purpose, its time). */
export class KeyPackageRefusedError extends Error {
  constructor(
    readonly reason: 'signature' | 'recipient' | 'card' | 'purpose' | 'expired' | 'format',
    message: string,
  ) {
    super(message);
  }
}

function kdf(shared: Buffer, salt: Buffer, header: KeyTransferHeader): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, salt, Buffer.concat([Buffer.from(INFO_PREFIX, 'latin1'), headerBytes(header)]), 32));
}

function encode(m: KeyMaterial): Buffer {
  const json = JSON.stringify({
    keys: m.keys.map((k) => ({ slot: k.slot, algorithm: k.algorithm, pkcs8: k.pkcs8.toString('base64') })),
    ...(m.puk ? { puk: m.puk.toString('base64') } : {}),
    ...(m.managementKey ? { managementKey: { algorithm: m.managementKey.algorithm, key: m.managementKey.key.toString('base64') } } : {}),
  });
  return Buffer.from(json, 'utf8');
}

/** Wraps key material for a worker's X25519 public key (SPKI DER). The caller wipes `material`. */
export function wrapForWorker(material: KeyMaterial, workerKexSpki: Uint8Array, header: KeyTransferHeader): WrappedKeyMaterial {
  const workerKey = createPublicKey({ key: Buffer.from(workerKexSpki), format: 'der', type: 'spki' });
  if (workerKey.asymmetricKeyType !== 'x25519') throw new Error('the worker key is not X25519');
  const eph = generateKeyPairSync('x25519');
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: workerKey });
  const salt = randomBytes(32);
  const key = kdf(shared, salt, header);
  const nonce = randomBytes(12);
  const plain = encode(material);
  try {
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(headerBytes(header));
    const ciphertext = Buffer.concat([c.update(plain), c.final()]);
    return {
      header,
      epk: eph.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      salt: salt.toString('base64'),
      nonce: nonce.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: c.getAuthTag().toString('base64'),
    };
  } finally {
    shared.fill(0);
    key.fill(0);
    plain.fill(0);
  }
}

/** What a worker expects of a key package before it opens it. */
export interface KeyPackageExpectation {
  requestId: string;
  workerId: string;
  /** The serial of the card in the reader. */
  cardSerial: string;
  purpose: KeyPackagePurpose;
  /** The API's package key the worker pinned at enrolment (P-256 public key). */
  apiKey: KeyObject;
  now?: Date;
}

/**
 * The worker's side: checks the API's signature with the pinned key, that the package was made for
 * this worker, request, card and purpose and has not expired, and only then opens it with the
 * worker's X25519 private key. Throws KeyPackageRefusedError (or a failed tag) on any mismatch.
 */
export function unwrapAsWorker(w: WrappedKeyMaterial, workerKexPrivate: KeyObject, expect: KeyPackageExpectation): KeyMaterial {
  if (w.header.v !== 2 || w.header.alg !== KEY_TRANSFER_ALG)
    throw new KeyPackageRefusedError('format', `unknown key transfer ${w.header.alg} v${w.header.v}`);
  if (!w.signature) throw new KeyPackageRefusedError('signature', 'the key package is not signed by the API');
  let signed = false;
  try {
    signed = verifySignature(
      'sha256',
      packageSigningInput(w),
      { key: expect.apiKey, dsaEncoding: 'der' },
      Buffer.from(w.signature, 'base64'),
    );
  } catch {
    signed = false;
  }
  if (!signed)
    throw new KeyPackageRefusedError('signature', "the key package's signature does not verify with the API key pinned at enrolment");
  if (w.header.requestId !== expect.requestId || w.header.workerId !== expect.workerId)
    throw new KeyPackageRefusedError('recipient', 'the key material was wrapped for another request or worker');
  if (w.header.cardSerial !== expect.cardSerial)
    throw new KeyPackageRefusedError('card', `the key package is for card ${w.header.cardSerial}, not for card ${expect.cardSerial}`);
  if (w.header.purpose !== expect.purpose)
    throw new KeyPackageRefusedError('purpose', `the key package is for ${w.header.purpose}, not for ${expect.purpose}`);
  const expires = Date.parse(w.header.expiresAt);
  if (!Number.isFinite(expires) || expires <= (expect.now ?? new Date()).getTime())
    throw new KeyPackageRefusedError('expired', `the key package expired at ${w.header.expiresAt}`);
  const epk = createPublicKey({ key: Buffer.from(w.epk, 'base64'), format: 'der', type: 'spki' });
  const shared = diffieHellman({ privateKey: workerKexPrivate, publicKey: epk });
  const key = kdf(shared, Buffer.from(w.salt, 'base64'), w.header);
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(w.nonce, 'base64'));
    d.setAAD(headerBytes(w.header));
    d.setAuthTag(Buffer.from(w.tag, 'base64'));
    const plain = Buffer.concat([d.update(Buffer.from(w.ciphertext, 'base64')), d.final()]);
    try {
      const j = JSON.parse(plain.toString('utf8')) as {
        keys: Array<{ slot: string; algorithm: string; pkcs8: string }>;
        puk?: string;
        managementKey?: { algorithm: number; key: string };
      };
      return {
        keys: j.keys.map((k) => ({ slot: k.slot, algorithm: k.algorithm, pkcs8: Buffer.from(k.pkcs8, 'base64') })),
        ...(j.puk ? { puk: Buffer.from(j.puk, 'base64') } : {}),
        ...(j.managementKey
          ? { managementKey: { algorithm: j.managementKey.algorithm, key: Buffer.from(j.managementKey.key, 'base64') } }
          : {}),
      };
    } finally {
      plain.fill(0);
    }
  } finally {
    shared.fill(0);
    key.fill(0);
  }
}
