import {
  constants,
  createECDH,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  privateDecrypt,
  sign,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { VscError, VscErrorCode } from '../vsc-errors';
import { algorithmOfKey } from '../format/content.codec';
import { KeyAlgorithm, algorithmName, type KeyAlgorithmId } from '../format/vsc-model';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Generates a key pair with OpenSSL off the event loop (RSA takes seconds); returns PKCS#8 and SPKI DER. */
export async function generateKeyMaterial(alg: KeyAlgorithmId): Promise<{ pkcs8: Buffer; spki: Buffer }> {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  switch (alg) {
    case KeyAlgorithm.RSA2048:
    case KeyAlgorithm.RSA3072:
      pair = await generateKeyPairAsync('rsa', { modulusLength: alg === KeyAlgorithm.RSA2048 ? 2048 : 3072, publicExponent: 0x10001 });
      break;
    case KeyAlgorithm.P256:
    case KeyAlgorithm.P384:
      pair = await generateKeyPairAsync('ec', { namedCurve: alg === KeyAlgorithm.P256 ? 'prime256v1' : 'secp384r1' });
      break;
    default:
      throw new VscError(VscErrorCode.UnsupportedAlgorithm, `the control program does not generate ${algorithmName(alg)} keys`);
  }
  return {
    pkcs8: pair.privateKey.export({ format: 'der', type: 'pkcs8' }),
    spki: pair.publicKey.export({ format: 'der', type: 'spki' }),
  };
}

export function privateKeyObject(pkcs8: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
}

/** SPKI DER of a key (public or private). */
export function spkiOf(key: KeyObject): Buffer {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });
}

/** Checks an imported key is one PIV can hold (RSA 1024..4096 with e=65537, P-256, P-384). */
export function pivAlgorithmOf(key: KeyObject): KeyAlgorithmId {
  const alg = algorithmOfKey(key);
  if (alg === undefined) throw new VscError(VscErrorCode.UnsupportedAlgorithm, 'the key is not RSA (e=65537) or P-256/P-384');
  return alg;
}

export function isRsa(alg: KeyAlgorithmId): boolean {
  return alg === KeyAlgorithm.RSA1024 || alg === KeyAlgorithm.RSA2048 || alg === KeyAlgorithm.RSA3072 || alg === KeyAlgorithm.RSA4096;
}

/** A signature over `data`: RSA PKCS#1 v1.5 or ECDSA (DER), with the given hash. */
export function signWith(key: KeyObject, data: Uint8Array, hash: 'sha256' | 'sha384' | 'sha512'): Buffer {
  return sign(hash, data, key);
}

/**
 * RSA decryption with a slot's key: OAEP (SHA-256), or the raw private operation a card performs
 * (the host removes the padding). PKCS#1 v1.5 unpadding is not offered: Node refuses it as a
 * padding oracle (CVE-2023-46809), and a card leaves it to the host anyway.
 */
export function rsaDecrypt(key: KeyObject, ciphertext: Uint8Array, padding: 'oaep' | 'raw'): Buffer {
  return privateDecrypt(
    padding === 'oaep'
      ? { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }
      : { key, padding: constants.RSA_NO_PADDING },
    ciphertext,
  );
}

/** ECDH with a slot's key: the X coordinate of the shared point. */
export function ecdh(key: KeyObject, peerPoint: Uint8Array): Buffer {
  const jwk = key.export({ format: 'jwk' });
  const ec = createECDH(jwk.crv === 'P-384' ? 'secp384r1' : 'prime256v1');
  const d = Buffer.from(jwk.d ?? '', 'base64url');
  try {
    ec.setPrivateKey(d);
    return ec.computeSecret(Buffer.from(peerPoint));
  } finally {
    d.fill(0);
  }
}
