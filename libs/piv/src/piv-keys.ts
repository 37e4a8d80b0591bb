import { createPublicKey, type KeyObject } from 'node:crypto';
import { concatBytes, encodeTlv, findTlv, parseTlvs, type Tlv } from '@scm/apdu';
import { ALGORITHM, ALGORITHM_INFO, type AsymmetricAlgorithm } from './piv.constants';
import { PivError, PivErrorCode } from './piv-errors';

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const fromB64u = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? '', 'base64url'));

/** A public key as the card returned it, ready for node:crypto and for certificates. */
export interface PivPublicKey {
  algorithm: AsymmetricAlgorithm;
  keyObject: KeyObject;
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
}

function wrap(algorithm: AsymmetricAlgorithm, keyObject: KeyObject): PivPublicKey {
  return { algorithm, keyObject, spki: new Uint8Array(keyObject.export({ type: 'spki', format: 'der' })) };
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** Decodes the inside of a 7F49 (or a metadata 04) public key: 81 n 82 e, or 86 04|X|Y. */
export function decodePublicKey(algorithm: AsymmetricAlgorithm, content: Uint8Array | Tlv[]): PivPublicKey {
  const info = ALGORITHM_INFO[algorithm];
  try {
    // Malformed TLV is a bad object like any other defect of the key (not a bare TlvError).
    const list = Array.isArray(content) ? content : parseTlvs(content);
    if (info.kind === 'rsa') {
      const n = findTlv(list, 0x81)?.value;
      const e = findTlv(list, 0x82)?.value;
      if (!n || !e) throw new Error('RSA public key without 81 (modulus) or 82 (exponent)');
      const mod = stripZeros(n);
      if (mod.length !== info.bytes) throw new Error(`modulus of ${mod.length} bytes for ${info.name}`);
      return wrap(algorithm, createPublicKey({ key: { kty: 'RSA', n: b64u(mod), e: b64u(stripZeros(e)) }, format: 'jwk' }));
    }
    const point = findTlv(list, 0x86)?.value;
    if (!point) throw new Error('EC public key without 86 (point)');
    if (point.length !== 1 + 2 * info.bytes || point[0] !== 0x04) throw new Error(`EC point of ${point.length} bytes for ${info.name}`);
    const x = point.subarray(1, 1 + info.bytes);
    const y = point.subarray(1 + info.bytes);
    return wrap(algorithm, createPublicKey({ key: { kty: 'EC', crv: info.curve!, x: b64u(x), y: b64u(y) }, format: 'jwk' }));
  } catch (e) {
    if (e instanceof PivError) throw e;
    throw new PivError(
      PivErrorCode.BadObject,
      `the card returned an unusable ${info.name} public key: ${(e as Error).message}`,
      {},
      { cause: e },
    );
  }
}

/** The PIV algorithm of a node key (RSA 1024-4096, P-256, P-384), or an InvalidArgument error. */
export function algorithmOfKey(key: KeyObject): AsymmetricAlgorithm {
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    switch (d.modulusLength) {
      case 1024:
        return ALGORITHM.RSA1024;
      case 2048:
        return ALGORITHM.RSA2048;
      case 3072:
        return ALGORITHM.RSA3072;
      case 4096:
        return ALGORITHM.RSA4096;
    }
  }
  if (key.asymmetricKeyType === 'ec') {
    if (d.namedCurve === 'prime256v1' || d.namedCurve === 'P-256') return ALGORITHM.ECCP256;
    if (d.namedCurve === 'secp384r1' || d.namedCurve === 'P-384') return ALGORITHM.ECCP384;
  }
  throw new PivError(PivErrorCode.InvalidArgument, `unsupported key: ${key.asymmetricKeyType} ${JSON.stringify(d)}`);
}

function leftPad(b: Uint8Array, size: number): Uint8Array {
  const s = stripZeros(b);
  if (s.length > size) throw new PivError(PivErrorCode.InvalidArgument, `key component of ${s.length} bytes exceeds ${size}`);
  const out = new Uint8Array(size);
  out.set(s, size - s.length);
  return out;
}

/**
 * The data of a Yubico IMPORT ASYMMETRIC KEY (without the policy tags): RSA as 01 P, 02 Q, 03 dP,
 * 04 dQ, 05 qInv, each padded to half the modulus (e must be 65537); EC as 06 scalar.
 */
export function encodeImportKey(privateKey: KeyObject): { algorithm: AsymmetricAlgorithm; data: Uint8Array } {
  if (privateKey.type !== 'private') throw new PivError(PivErrorCode.InvalidArgument, 'a private key is needed');
  const algorithm = algorithmOfKey(privateKey);
  const info = ALGORITHM_INFO[algorithm];
  const jwk = privateKey.export({ format: 'jwk' });
  if (info.kind === 'rsa') {
    if (jwk.e !== 'AQAB') throw new PivError(PivErrorCode.InvalidArgument, 'the card only takes RSA keys with e = 65537');
    const half = info.bytes / 2;
    const parts = [jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].map((v, i) => encodeTlv(i + 1, leftPad(fromB64u(v), half)));
    return { algorithm, data: concatBytes(...parts) };
  }
  return { algorithm, data: encodeTlv(0x06, leftPad(fromB64u(jwk.d), info.bytes)) };
}

// ---------- padding done on the host ----------

/** DigestInfo prefixes (RFC 8017, section 9.2 note 1). */
const DIGEST_INFO: Readonly<Record<string, string>> = {
  sha1: '3021300906052b0e03021a05000414',
  sha224: '302d300d06096086480165030402040500041c',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

export type HashName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** EMSA-PKCS1-v1_5: 00 01 FF..FF 00 DigestInfo, as long as the modulus. */
export function pkcs1v15SignatureBlock(digest: Uint8Array, hash: HashName, modulusBytes: number): Uint8Array {
  const prefix = DIGEST_INFO[hash];
  if (!prefix) throw new PivError(PivErrorCode.InvalidArgument, `unknown hash ${hash}`);
  const p = new Uint8Array(Buffer.from(prefix, 'hex'));
  if (digest.length !== p[p.length - 1])
    throw new PivError(PivErrorCode.InvalidArgument, `a ${hash} digest has ${p[p.length - 1]} bytes, got ${digest.length}`);
  const t = concatBytes(p, digest);
  if (t.length + 11 > modulusBytes) throw new PivError(PivErrorCode.InvalidArgument, 'modulus too short for this digest');
  const out = new Uint8Array(modulusBytes).fill(0xff);
  out[0] = 0x00;
  out[1] = 0x01;
  out[modulusBytes - t.length - 1] = 0x00;
  out.set(t, modulusBytes - t.length);
  return out;
}

/** Removes EME-PKCS1-v1_5 padding (00 02 PS 00 M) from a decrypted block. */
export function unpadPkcs1v15Encryption(block: Uint8Array): Uint8Array {
  // Checked in full before deciding, so the time taken does not say where the padding broke.
  let sep = -1;
  for (let i = 2; i < block.length; i++) if (block[i] === 0 && sep < 0) sep = i;
  const ok = block.length >= 11 && block[0] === 0 && block[1] === 2 && sep >= 10;
  if (!ok) throw new PivError(PivErrorCode.CardError, 'the decrypted block does not carry PKCS#1 v1.5 encryption padding');
  return block.slice(sep + 1);
}
