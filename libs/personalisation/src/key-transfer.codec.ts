import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

/** The one algorithm suite of key transfer version 1. */
export const KEY_TRANSFER_ALG = 'X25519-HKDF-SHA256-A256GCM';
const INFO_PREFIX = 'SCM key transfer v1\0';

/** What the API tells the worker in clear: bound into the AEAD as associated data. */
export interface KeyTransferHeader {
  v: 1;
  alg: typeof KEY_TRANSFER_ALG;
  requestId: string;
  workerId: string;
  vscId: string;
  vscVersion: number;
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
  Buffer.from(JSON.stringify([h.v, h.alg, h.requestId, h.workerId, h.vscId, h.vscVersion]), 'utf8');

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

/**
 * The worker's side: opens wrapped key material with its X25519 private key, checking it was
 * made for this worker and request. Throws on any mismatch or a failed tag.
 */
export function unwrapAsWorker(
  w: WrappedKeyMaterial,
  workerKexPrivate: KeyObject,
  expect: { requestId: string; workerId: string },
): KeyMaterial {
  if (w.header.v !== 1 || w.header.alg !== KEY_TRANSFER_ALG) throw new Error(`unknown key transfer ${w.header.alg} v${w.header.v}`);
  if (w.header.requestId !== expect.requestId || w.header.workerId !== expect.workerId)
    throw new Error('the key material was wrapped for another request or worker');
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
