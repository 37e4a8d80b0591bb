import { randomInt } from 'node:crypto';
import {
  ALGORITHM,
  type AsymmetricAlgorithm,
  type ManagementKeyAuthenticator,
  type ManagementKeyAlgorithm,
  type MutualResponse,
} from '@scm/piv';

/** PIV algorithm ids of the key algorithms a profile names. */
export const KEY_ALGORITHMS: Readonly<Record<string, AsymmetricAlgorithm>> = {
  rsa2048: ALGORITHM.RSA2048,
  rsa3072: ALGORITHM.RSA3072,
  p256: ALGORITHM.ECCP256,
  p384: ALGORITHM.ECCP384,
};

export function keyAlgorithm(name: string): AsymmetricAlgorithm {
  const a = KEY_ALGORITHMS[name];
  if (a === undefined) throw new Error(`unknown key algorithm ${name}`);
  return a;
}

/** PIV algorithm ids of the management-key algorithms a profile names. */
export const MANAGEMENT_ALGORITHMS: Readonly<Record<string, ManagementKeyAlgorithm>> = {
  '3des': ALGORITHM.TDES,
  aes128: ALGORITHM.AES128,
  aes192: ALGORITHM.AES192,
  aes256: ALGORITHM.AES256,
};

/** The management-key algorithm names of the API, by PIV algorithm id. */
export const MANAGEMENT_ALGORITHM_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(MANAGEMENT_ALGORITHMS).map(([name, id]) => [id, name]),
);

/**
 * A blank card proves its stock transport key to the API's HSM: the HSM answers the card's
 * witness (so the card accepts us), and the card's answer to the HSM's challenge goes back with the
 * claim, where the HSM's side checks it. The worker never holds the transport key nor knows the
 * answer the card must give.
 */
export class TransportKeyProof implements ManagementKeyAuthenticator {
  private proofId: string | undefined;
  private response: Uint8Array | undefined;

  constructor(
    readonly algorithm: ManagementKeyAlgorithm,
    private readonly challenge: (encryptedWitness: Uint8Array) => Promise<{ proofId: string; witness: string; challenge: string }>,
  ) {}

  async respond(encryptedWitness: Uint8Array): Promise<MutualResponse> {
    const r = await this.challenge(encryptedWitness);
    this.proofId = r.proofId;
    return { witness: Buffer.from(r.witness, 'base64'), challenge: Buffer.from(r.challenge, 'base64') };
  }

  async confirm(response: Uint8Array): Promise<void> {
    this.response = response;
  }

  /** What the claim carries: the proof id and the card's answer. */
  get answer(): { proofId: string; response: string } | undefined {
    return this.proofId && this.response ? { proofId: this.proofId, response: Buffer.from(this.response).toString('base64') } : undefined;
  }

  toJSON(): Record<string, unknown> {
    return { algorithm: this.algorithm, key: '[the stock transport key, in the HSM]' };
  }
}

/** The card's diversified management key: the API's HSM computes the cryptograms, the key never comes here. */
export class RemoteManagementKey implements ManagementKeyAuthenticator {
  constructor(
    readonly algorithm: ManagementKeyAlgorithm,
    private readonly cryptograms: (encryptedWitness: Uint8Array) => Promise<{ witness: string; challenge: string; expected: string }>,
    private readonly which: 'diversified' | 'transport' = 'diversified',
  ) {}

  async respond(encryptedWitness: Uint8Array): Promise<MutualResponse> {
    const r = await this.cryptograms(encryptedWitness);
    return {
      witness: Buffer.from(r.witness, 'base64'),
      challenge: Buffer.from(r.challenge, 'base64'),
      expected: Buffer.from(r.expected, 'base64'),
    };
  }

  toJSON(): Record<string, unknown> {
    return { algorithm: this.algorithm, key: `[${this.which}, in the HSM]` };
  }
}

/** A random PIN of `length` digits that the PIN rules accept (no repeated or consecutive run). Nobody sees it. */
export function randomPin(length: number): string {
  for (;;) {
    let s = '';
    for (let i = 0; i < length; i++) s += String(randomInt(10));
    if (!/^(\d)\1+$/.test(s) && !'01234567890'.includes(s) && !'98765432109'.includes(s)) return s;
  }
}

/** A PIN or PUK in its 8-byte card form (0xFF padding) back to text. */
export function unpadSecret(padded: Uint8Array): string {
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0xff) end--;
  return Buffer.from(padded.subarray(0, end)).toString('latin1');
}
