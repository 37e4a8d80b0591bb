import {
  constants,
  createECDH,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  KeyObject,
  privateDecrypt,
  randomBytes,
} from 'node:crypto';
import { promisify } from 'node:util';
import { KeyAlgorithm, type KeyAlgorithmId } from '../piv.constants';
import type { PrivateOperation } from '../backend/piv-card-backend.port';

const generateKeyPairAsync = promisify(generateKeyPair);

interface RsaSpec {
  readonly kind: 'rsa';
  readonly bits: number;
}
interface EcSpec {
  readonly kind: 'ec';
  readonly bits: number;
  /** OpenSSL curve name (createECDH) and JWK curve name. */
  readonly curve: string;
  readonly jwkCurve: string;
  readonly order: bigint;
}
type AlgSpec = RsaSpec | EcSpec;

const SPECS: Record<KeyAlgorithmId, AlgSpec> = {
  [KeyAlgorithm.RSA1024]: { kind: 'rsa', bits: 1024 },
  [KeyAlgorithm.RSA2048]: { kind: 'rsa', bits: 2048 },
  [KeyAlgorithm.RSA3072]: { kind: 'rsa', bits: 3072 },
  [KeyAlgorithm.P256]: {
    kind: 'ec',
    bits: 256,
    curve: 'prime256v1',
    jwkCurve: 'P-256',
    order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  },
  [KeyAlgorithm.P384]: {
    kind: 'ec',
    bits: 384,
    curve: 'secp384r1',
    jwkCurve: 'P-384',
    order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
};

/** True for the asymmetric algorithm ids the card supports. */
export function isKeyAlgorithm(alg: number): alg is KeyAlgorithmId {
  return Object.prototype.hasOwnProperty.call(SPECS, alg);
}

/** RSA modulus or EC field size in bytes. */
export function keyByteLength(alg: KeyAlgorithmId): number {
  return SPECS[alg].bits / 8;
}

export function isRsa(alg: KeyAlgorithmId): boolean {
  return SPECS[alg].kind === 'rsa';
}

/** Generates a key pair with OpenSSL off the event loop (RSA takes up to seconds). Returns the private key. */
export async function generatePrivateKey(alg: KeyAlgorithmId): Promise<KeyObject> {
  const spec = SPECS[alg];
  const pair =
    spec.kind === 'rsa'
      ? await generateKeyPairAsync('rsa', { modulusLength: spec.bits, publicExponent: 0x10001 })
      : await generateKeyPairAsync('ec', { namedCurve: spec.curve });
  return pair.privateKey;
}

/** The algorithm id of a key, or undefined when the card does not support it. */
export function algorithmOf(key: KeyObject): KeyAlgorithmId | undefined {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') {
    if (d?.publicExponent !== 0x10001n) return undefined;
    return (Object.keys(SPECS).map(Number) as KeyAlgorithmId[]).find((a) => SPECS[a].kind === 'rsa' && SPECS[a].bits === d.modulusLength);
  }
  if (key.asymmetricKeyType === 'ec') {
    return (Object.keys(SPECS).map(Number) as KeyAlgorithmId[]).find((a) => {
      const s = SPECS[a];
      return s.kind === 'ec' && s.curve === d?.namedCurve;
    });
  }
  return undefined;
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const fromB64u = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64url');

function toBig(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`);
}

function fromBig(n: bigint, length?: number): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const raw = Buffer.from(hex, 'hex');
  if (length === undefined) return raw;
  if (raw.length > length) throw new RangeError('integer too long');
  return Buffer.concat([Buffer.alloc(length - raw.length), raw]);
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new RangeError('not invertible');
  return mod(s0, m);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The CRT components of IMPORT ASYMMETRIC KEY (tags 01..05); e is always 65537. */
export interface RsaCrtComponents {
  readonly p: Uint8Array;
  readonly q: Uint8Array;
  readonly dp: Uint8Array;
  readonly dq: Uint8Array;
  readonly qinv: Uint8Array;
}

/** Builds an RSA private key from CRT components, checking they are consistent and of the algorithm's size. */
export function rsaKeyFromCrt(alg: KeyAlgorithmId, c: RsaCrtComponents): KeyObject {
  const spec = SPECS[alg];
  if (spec.kind !== 'rsa') throw new RangeError('not an RSA algorithm');
  const e = 0x10001n;
  const [p, q, dp, dq, qinv] = [toBig(c.p), toBig(c.q), toBig(c.dp), toBig(c.dq), toBig(c.qinv)];
  if (p < 3n || q < 3n) throw new RangeError('RSA prime too small');
  const n = p * q;
  if (n.toString(2).length !== spec.bits) throw new RangeError(`modulus is not ${spec.bits} bits`);
  if (mod(e * dp, p - 1n) !== 1n || mod(e * dq, q - 1n) !== 1n || mod(qinv * q, p) !== 1n) {
    throw new RangeError('inconsistent RSA CRT components');
  }
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = modInverse(e, lambda);
  return createPrivateKey({
    key: {
      kty: 'RSA',
      n: b64u(fromBig(n)),
      e: b64u(fromBig(e)),
      d: b64u(fromBig(d)),
      p: b64u(fromBig(p)),
      q: b64u(fromBig(q)),
      dp: b64u(fromBig(dp)),
      dq: b64u(fromBig(dq)),
      qi: b64u(fromBig(qinv)),
    },
    format: 'jwk',
  });
}

/** Builds an EC private key from its scalar (1 <= d < order). */
export function ecKeyFromScalar(alg: KeyAlgorithmId, scalar: Uint8Array): KeyObject {
  const spec = SPECS[alg];
  if (spec.kind !== 'ec') throw new RangeError('not an EC algorithm');
  const len = spec.bits / 8;
  if (scalar.length > len) throw new RangeError(`EC scalar longer than ${len} bytes`);
  const d = toBig(scalar);
  if (d < 1n || d >= spec.order) throw new RangeError('EC scalar out of range');
  const padded = fromBig(d, len);
  const ecdh = createECDH(spec.curve);
  ecdh.setPrivateKey(padded);
  const point = ecdh.getPublicKey();
  return createPrivateKey({
    key: { kty: 'EC', crv: spec.jwkCurve, d: b64u(padded), x: b64u(point.subarray(1, 1 + len)), y: b64u(point.subarray(1 + len)) },
    format: 'jwk',
  });
}

/**
 * The public key as the GENERATE / METADATA templates carry it: RSA as `81` modulus and `82`
 * exponent, EC as `86` uncompressed point.
 */
export function publicKeyElements(publicKey: KeyObject): Array<{ tag: number; value: Uint8Array }> {
  const pub = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  const jwk = pub.export({ format: 'jwk' });
  if (jwk.kty === 'RSA')
    return [
      { tag: 0x81, value: fromB64u(jwk.n) },
      { tag: 0x82, value: fromB64u(jwk.e) },
    ];
  const alg = algorithmOf(pub);
  if (jwk.kty !== 'EC' || alg === undefined) throw new RangeError('unsupported public key');
  const len = keyByteLength(alg);
  const pad = (b: Buffer): Buffer => Buffer.concat([Buffer.alloc(len - b.length), b]);
  return [{ tag: 0x86, value: Buffer.concat([Buffer.of(0x04), pad(fromB64u(jwk.x)), pad(fromB64u(jwk.y))]) }];
}

/** Thrown for an input the key cannot take; the applet answers 6A80. */
export class InvalidKeyInputError extends RangeError {}

/** Runs a PIV private-key operation with a software key (what a YubiKey does inside). */
export function softwarePrivateOperation(privateKey: KeyObject, op: PrivateOperation): Uint8Array {
  const alg = algorithmOf(privateKey);
  if (alg === undefined) throw new InvalidKeyInputError('unsupported key');
  const spec = SPECS[alg];
  switch (op.kind) {
    case 'rsa-raw': {
      if (spec.kind !== 'rsa') throw new InvalidKeyInputError('not an RSA key');
      if (op.input.length !== spec.bits / 8) throw new InvalidKeyInputError(`RSA input must be ${spec.bits / 8} bytes`);
      try {
        return new Uint8Array(privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, op.input));
      } catch (e) {
        throw new InvalidKeyInputError('RSA input not below the modulus', { cause: e });
      }
    }
    case 'ecdsa':
      if (spec.kind !== 'ec') throw new InvalidKeyInputError('not an EC key');
      return ecdsaSignDigest(spec, privateKey, op.hash);
    case 'ecdh': {
      if (spec.kind !== 'ec') throw new InvalidKeyInputError('not an EC key');
      const len = spec.bits / 8;
      if (op.peerPoint.length !== 1 + 2 * len || op.peerPoint[0] !== 0x04)
        throw new InvalidKeyInputError('peer point must be uncompressed');
      const ecdh = createECDH(spec.curve);
      ecdh.setPrivateKey(fromB64u(privateKey.export({ format: 'jwk' }).d));
      try {
        return new Uint8Array(ecdh.computeSecret(op.peerPoint));
      } catch (e) {
        throw new InvalidKeyInputError('peer point not on the curve', { cause: e });
      }
    }
  }
}

/**
 * ECDSA over a digest the host computed. Node signs only messages it hashes itself, so the
 * nonce point k·G comes from OpenSSL (an ECDH public key) and the scalar arithmetic is done here.
 */
function ecdsaSignDigest(spec: EcSpec, privateKey: KeyObject, hash: Uint8Array): Uint8Array {
  if (hash.length === 0 || hash.length > 64) throw new InvalidKeyInputError('ECDSA input must be 1..64 bytes');
  const n = spec.order;
  const len = spec.bits / 8;
  const d = toBig(fromB64u(privateKey.export({ format: 'jwk' }).d));
  let e = toBig(hash);
  if (hash.length * 8 > spec.bits) e >>= BigInt(hash.length * 8 - spec.bits);
  for (;;) {
    const k = mod(toBig(randomBytes(len + 16)), n - 1n) + 1n;
    const ecdh = createECDH(spec.curve);
    ecdh.setPrivateKey(fromBig(k, len));
    const r = mod(toBig(ecdh.getPublicKey().subarray(1, 1 + len)), n);
    if (r === 0n) continue;
    const s = mod(modInverse(k, n) * (e + r * d), n);
    if (s === 0n) continue;
    return derSignature(r, s);
  }
}

function derInteger(v: bigint): Buffer {
  let b = fromBig(v);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.of(0), b]);
  return Buffer.concat([Buffer.of(0x02, b.length), b]);
}

/** DER SEQUENCE{INTEGER r, INTEGER s}; short-form lengths suffice up to P-384. */
function derSignature(r: bigint, s: bigint): Uint8Array {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return new Uint8Array(Buffer.concat([Buffer.of(0x30, body.length), body]));
}
