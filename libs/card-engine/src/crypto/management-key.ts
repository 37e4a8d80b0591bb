import { createCipheriv, timingSafeEqual } from 'node:crypto';
import { MgmAlgorithm, type MgmAlgorithmId } from '../piv.constants';

interface MgmSpec {
  readonly cipher: string;
  readonly keyLength: number;
  readonly blockSize: number;
}

const SPECS: Record<MgmAlgorithmId, MgmSpec> = {
  [MgmAlgorithm.TDES]: { cipher: 'des-ede3', keyLength: 24, blockSize: 8 },
  [MgmAlgorithm.AES128]: { cipher: 'aes-128-ecb', keyLength: 16, blockSize: 16 },
  [MgmAlgorithm.AES192]: { cipher: 'aes-192-ecb', keyLength: 24, blockSize: 16 },
  [MgmAlgorithm.AES256]: { cipher: 'aes-256-ecb', keyLength: 32, blockSize: 16 },
};

/** True for the 9B algorithm ids the card supports. */
export function isMgmAlgorithm(alg: number): alg is MgmAlgorithmId {
  return Object.prototype.hasOwnProperty.call(SPECS, alg);
}

/** Key length in bytes a management-key algorithm needs. */
export function mgmKeyLength(alg: MgmAlgorithmId): number {
  return SPECS[alg].keyLength;
}

/** Cipher block size (the witness and challenge length) of a management-key algorithm. */
export function mgmBlockSize(alg: MgmAlgorithmId): number {
  return SPECS[alg].blockSize;
}

/** One ECB block under a software management key (what a YubiKey computes for 9B authentication). */
export function mgmEncryptBlock(alg: MgmAlgorithmId, key: Uint8Array, block: Uint8Array): Uint8Array {
  const spec = SPECS[alg];
  if (key.length !== spec.keyLength) throw new RangeError(`management key must be ${spec.keyLength} bytes`);
  if (block.length !== spec.blockSize) throw new RangeError(`block must be ${spec.blockSize} bytes`);
  const c = createCipheriv(spec.cipher, key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

/** Constant-time comparison of two byte strings (false when lengths differ). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
