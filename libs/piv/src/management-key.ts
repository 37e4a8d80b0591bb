import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { ALGORITHM, ALGORITHM_INFO, type ManagementKeyAlgorithm } from './piv.constants';
import { PivError, PivErrorCode } from './piv-errors';

/** What the host sends in step 2 of mutual authentication, and what it expects back. */
export interface MutualResponse {
  /** The decrypted witness W. */
  witness: Uint8Array;
  /** The host's challenge C. */
  challenge: Uint8Array;
  /** E_K(C), compared with the card's answer (absent when the authenticator's `confirm` checks the answer elsewhere). */
  expected?: Uint8Array;
}

/**
 * Computes the management-key cryptograms without the session ever holding the key, so the key may
 * live elsewhere: in memory for known keys (SoftwareManagementKey), or in the issuer's HSM, which
 * computes cryptograms for diversified keys that never leave it.
 */
export interface ManagementKeyAuthenticator {
  readonly algorithm: ManagementKeyAlgorithm;
  /** Mutual authentication: decrypt the card's encrypted witness, choose a challenge, encrypt it. */
  respond(encryptedWitness: Uint8Array): Promise<MutualResponse>;
  /** One-way (external) authentication: E_K(challenge). Optional. */
  encrypt?(challenge: Uint8Array): Promise<Uint8Array>;
  /**
   * The card's answer E_K(C), for an authenticator that cannot know it in advance: the issuer's HSM
   * checks it (a card proving its stock transport key). Without it the session compares `expected`.
   */
  confirm?(response: Uint8Array): Promise<void>;
}

function cipherName(algorithm: ManagementKeyAlgorithm): string {
  switch (algorithm) {
    case ALGORITHM.TDES:
      return 'des-ede3-ecb';
    case ALGORITHM.AES128:
      return 'aes-128-ecb';
    case ALGORITHM.AES192:
      return 'aes-192-ecb';
    case ALGORITHM.AES256:
      return 'aes-256-ecb';
  }
}

/** Block size of a management-key algorithm (8 for 3DES, 16 for AES). */
export function managementBlockSize(algorithm: ManagementKeyAlgorithm): number {
  return ALGORITHM_INFO[algorithm].block!;
}

/** Checks a management key's algorithm and length; returns the algorithm. */
export function checkManagementKey(key: Uint8Array, algorithm: number): ManagementKeyAlgorithm {
  const info = ALGORITHM_INFO[algorithm];
  if (!info || info.kind !== 'sym')
    throw new PivError(PivErrorCode.InvalidArgument, `0x${algorithm.toString(16)} is not a management-key algorithm`);
  if (key.length !== info.bytes)
    throw new PivError(PivErrorCode.InvalidArgument, `a ${info.name} management key has ${info.bytes} bytes, got ${key.length}`);
  return algorithm as ManagementKeyAlgorithm;
}

/** ECB on exactly one block: the primitive the PIV management-key protocol uses. */
export function ecbBlock(key: Uint8Array, algorithm: ManagementKeyAlgorithm, block: Uint8Array, decrypt: boolean): Uint8Array {
  const size = managementBlockSize(algorithm);
  if (block.length !== size)
    throw new PivError(PivErrorCode.CardError, `a ${ALGORITHM_INFO[algorithm].name} block has ${size} bytes, got ${block.length}`);
  const c = decrypt ? createDecipheriv(cipherName(algorithm), key, null) : createCipheriv(cipherName(algorithm), key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

/** A management key known to this process (a default key, a test key, a transport key). */
export class SoftwareManagementKey implements ManagementKeyAuthenticator {
  readonly algorithm: ManagementKeyAlgorithm;
  private readonly key: Uint8Array;

  constructor(
    key: Uint8Array,
    algorithm: number = ALGORITHM.TDES,
    private readonly random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n)),
  ) {
    this.algorithm = checkManagementKey(key, algorithm);
    this.key = Uint8Array.from(key);
  }

  async respond(encryptedWitness: Uint8Array): Promise<MutualResponse> {
    const witness = ecbBlock(this.key, this.algorithm, encryptedWitness, true);
    const challenge = this.random(managementBlockSize(this.algorithm));
    return { witness, challenge, expected: ecbBlock(this.key, this.algorithm, challenge, false) };
  }

  async encrypt(challenge: Uint8Array): Promise<Uint8Array> {
    return ecbBlock(this.key, this.algorithm, challenge, false);
  }

  /** Never print the key. */
  toJSON(): Record<string, unknown> {
    return { algorithm: ALGORITHM_INFO[this.algorithm].name, key: '[redacted]' };
  }
}

/** Constant-time comparison of the card's response with the expected cryptogram. */
export function sameCryptogram(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
