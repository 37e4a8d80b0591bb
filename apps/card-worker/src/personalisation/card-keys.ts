import { randomInt } from 'node:crypto';
import {
  ALGORITHM,
  type AsymmetricAlgorithm,
  DEFAULTS,
  type ManagementKeyAuthenticator,
  type ManagementKeyAlgorithm,
  type MutualResponse,
  SoftwareManagementKey,
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

/**
 * Transport keys of card stock, by batch name: a blank card arrives with one, and personalisation
 * replaces it by the card's diversified key. The factory default of YubiKey-class cards (and of
 * the software card) is the well-known default key — 3DES before firmware 5.7, AES-192 after.
 * A stock with its own transport keys adds its batch here (kept on the workstation, never sent
 * over the API).
 */
export function transportKeys(batch: string): ManagementKeyAuthenticator[] {
  switch (batch) {
    case 'factory-default':
      return [
        new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY, ALGORITHM.TDES),
        new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY, ALGORITHM.AES192),
      ];
    default:
      throw new Error(`no transport key for card stock batch "${batch}" on this workstation`);
  }
}

/** The card's diversified management key: the API's HSM computes the cryptograms, the key never comes here. */
export class RemoteManagementKey implements ManagementKeyAuthenticator {
  constructor(
    readonly algorithm: ManagementKeyAlgorithm,
    private readonly cryptograms: (encryptedWitness: Uint8Array) => Promise<{ witness: string; challenge: string; expected: string }>,
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
    return { algorithm: this.algorithm, key: '[in the HSM]' };
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
