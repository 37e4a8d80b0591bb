import { createHash, randomBytes } from 'node:crypto';
import type { HsmContext, KeyRef } from '@scm/hsm';
import { HsmError, HsmErrorCode, keyLabel } from '@scm/hsm';
import { KeyType, MechanismEnum, ObjectClass, type SecretKey, type Session } from 'graphene-pk11';
import { CARD_KEYS, findSecretKey, generateCardAesKey } from './card-keys';
import { type Cryptograms, MANAGEMENT_KEY_ALGORITHMS, type ManagementKeyAlgorithmName } from './management-key-diversifier';

/** The transport key every YubiKey-class card (and the software card) leaves the factory with: public knowledge. */
export const WELL_KNOWN_TRANSPORT_KEY: Readonly<Buffer> = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');

/** Where a stock card's transport key comes from: wrapped under the HSM's stock key, or the well-known default. */
export type TransportKeySource = { wrapped: Buffer } | { wellKnown: true };

/** Checks a transport key's length for its algorithm; refuses the well-known default key in a stock manifest. */
export function checkTransportKey(key: Uint8Array, algorithm: ManagementKeyAlgorithmName): string | undefined {
  const want = MANAGEMENT_KEY_ALGORITHMS[algorithm].bytes;
  if (key.length !== want) return `a ${algorithm} transport key has ${want} bytes, got ${key.length}`;
  if (Buffer.from(key).equals(WELL_KNOWN_TRANSPORT_KEY.subarray(0, key.length)) && key.length >= 16)
    return 'the well-known factory default key is not a transport key of registered stock';
  return undefined;
}

/** SHA-256, for storing what a card must answer without storing the answer. */
export const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

const WRAP = 'AES_KEY_WRAP_PAD';

/**
 * Transport keys of card stock, held by the HSM: imported keys are wrapped (AES key wrap with
 * padding, RFC 5649) under the stock key, a token key that only wraps and unwraps; at use they are
 * unwrapped into a session object of the HSM that encrypts and decrypts one block and is destroyed.
 * The mutual-authentication cryptograms are computed inside; the key never reaches the worker.
 */
export class TransportKeyVault {
  constructor(
    private readonly hsm: HsmContext,
    readonly kek: KeyRef = CARD_KEYS.stock,
  ) {}

  private kekKey(s: Session): SecretKey {
    const k = findSecretKey(s, this.kek);
    if (!k)
      throw new HsmError(HsmErrorCode.KeyNotFound, `HSM key ${keyLabel(this.kek)} not found; create it with "scm card init-keys"`, {
        key: keyLabel(this.kek),
      });
    return k;
  }

  private static template(algorithm: ManagementKeyAlgorithmName) {
    return { keyType: algorithm === '3des' ? KeyType.DES3 : KeyType.AES };
  }

  /** Wraps a transport key under the stock key; the caller wipes `key`. */
  wrap(key: Uint8Array, algorithm: ManagementKeyAlgorithmName): Promise<Buffer> {
    const bad = checkTransportKey(key, algorithm);
    if (bad) throw new RangeError(bad);
    return this.hsm.withSession((s) => {
      const kek = this.kekKey(s);
      const obj = s
        .create({
          class: ObjectClass.SECRET_KEY,
          ...TransportKeyVault.template(algorithm),
          token: false,
          private: true,
          sensitive: false,
          extractable: true,
          encrypt: false,
          decrypt: false,
          value: Buffer.from(key),
        })
        .toType<SecretKey>();
      try {
        return s.wrapKey(WRAP, kek, obj);
      } finally {
        obj.destroy();
      }
    });
  }

  private open(s: Session, source: TransportKeySource, algorithm: ManagementKeyAlgorithmName): SecretKey {
    const template = {
      class: ObjectClass.SECRET_KEY,
      ...TransportKeyVault.template(algorithm),
      token: false,
      private: true,
      sensitive: true,
      extractable: false,
      encrypt: true,
      decrypt: true,
    };
    if ('wellKnown' in source)
      return s
        .create({ ...template, value: Buffer.from(WELL_KNOWN_TRANSPORT_KEY.subarray(0, MANAGEMENT_KEY_ALGORITHMS[algorithm].bytes)) })
        .toType<SecretKey>();
    return s.unwrapKey(WRAP, this.kekKey(s), source.wrapped, template).toType<SecretKey>();
  }

  private ecb(s: Session, key: SecretKey, algorithm: ManagementKeyAlgorithmName, block: Buffer, decrypt: boolean): Buffer {
    const mech = algorithm === '3des' ? MechanismEnum.DES3_ECB : MechanismEnum.AES_ECB;
    const c = decrypt ? s.createDecipher(mech, key) : s.createCipher(mech, key);
    return Buffer.concat([c.update(block), c.final()]);
  }

  /** Mutual authentication, step 2, with the card's transport key: decrypts the witness, picks and encrypts a challenge. */
  respond(source: TransportKeySource, algorithm: ManagementKeyAlgorithmName, encryptedWitness: Uint8Array): Promise<Cryptograms> {
    const size = MANAGEMENT_KEY_ALGORITHMS[algorithm].block;
    if (encryptedWitness.length !== size) throw new RangeError(`a ${algorithm} witness has ${size} bytes, got ${encryptedWitness.length}`);
    const challenge = randomBytes(size);
    return this.hsm.withSession((s) => {
      const key = this.open(s, source, algorithm);
      try {
        return {
          witness: this.ecb(s, key, algorithm, Buffer.from(encryptedWitness), true),
          challenge,
          expected: this.ecb(s, key, algorithm, challenge, false),
        };
      } finally {
        key.destroy();
      }
    });
  }
}

/** Creates the stock key (AES-256, wrap and unwrap only, never extractable) when it does not exist; true if created. */
export function provisionStockKey(s: Session, ref: KeyRef): boolean {
  if (findSecretKey(s, ref)) return false;
  generateCardAesKey(s, ref, 'aes-key-wrap-pad');
  return true;
}
