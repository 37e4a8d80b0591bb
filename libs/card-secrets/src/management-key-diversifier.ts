import { createHash, randomBytes } from 'node:crypto';
import type { HsmContext, KeyRef } from '@scm/hsm';
import { HsmError, HsmErrorCode, KEY_CACHE_MS, keyLabel } from '@scm/hsm';
import { AesCbcEncryptDataParams, KeyType, MechanismEnum, ObjectClass, type SecretKey, type Session } from 'graphene-pk11';
import { CARD_KEYS, checkMaster, findSecretKey } from './card-keys';

/** Management-key algorithms a profile may name, with their PIV algorithm id, key and block sizes. */
export const MANAGEMENT_KEY_ALGORITHMS = {
  '3des': { piv: 0x03, bytes: 24, block: 8 },
  aes128: { piv: 0x08, bytes: 16, block: 16 },
  aes192: { piv: 0x0a, bytes: 24, block: 16 },
  aes256: { piv: 0x0c, bytes: 32, block: 16 },
} as const;
export type ManagementKeyAlgorithmName = keyof typeof MANAGEMENT_KEY_ALGORITHMS;

export const isManagementKeyAlgorithm = (s: string): s is ManagementKeyAlgorithmName => s in MANAGEMENT_KEY_ALGORITHMS;

/** What a card's management key is diversified from: its serial and its GUID (the VSC id). */
export interface CardIdentity {
  serial: string;
  guid: string;
}

const DOMAIN = 'SCM PIV management key v1';

/**
 * The diversification input: SHA-256 of a fixed domain string, the algorithm and the card identity,
 * length-prefixed so that no two identities give the same bytes. 32 bytes = two AES blocks.
 */
export function diversificationInput(identity: CardIdentity, algorithm: ManagementKeyAlgorithmName): Buffer {
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(identity.serial)) throw new Error('a card serial is 1 to 64 letters, digits, "-" or "_"');
  const guid = Buffer.from(identity.guid.replace(/-/g, ''), 'hex');
  if (guid.length !== 16) throw new Error('a card GUID is 16 bytes (a UUID)');
  const h = createHash('sha256');
  for (const part of [Buffer.from(DOMAIN, 'latin1'), Buffer.from(algorithm, 'latin1'), Buffer.from(identity.serial, 'latin1'), guid]) {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(part.length);
    h.update(len).update(part);
  }
  return h.digest();
}

/** The mutual-authentication answer the host sends the card, and what it expects back. */
export interface Cryptograms {
  witness: Buffer;
  challenge: Buffer;
  expected: Buffer;
}

/**
 * Card management keys diversified from a master key in the HSM and the card identity:
 * K = first n bytes of AES-256-CBC_master(IV 0, diversificationInput) (CKM_AES_CBC_ENCRYPT_DATA),
 * derived as a session object of the HSM for each use and destroyed after it. The cryptograms of
 * PIV mutual authentication are computed by the HSM with that object (ECB on one block), so the
 * key stays inside. Only `exportForCard` lets it out, for SET MANAGEMENT KEY.
 */
export class ManagementKeyDiversifier {
  /**
   * The master found and checked, kept for KEY_CACHE_MS as HsmContext keeps its keys: every card
   * derives three times, and each search of the token cost about a millisecond of the API's
   * thread. A handle gone stale (the key destroyed) is dropped and the master searched again.
   */
  private kept: { key: SecretKey; at: number } | undefined;

  constructor(
    private readonly hsm: HsmContext,
    private readonly master: KeyRef = CARD_KEYS.managementMaster,
  ) {}

  private masterKey(s: Session): SecretKey {
    const now = Date.now();
    if (this.kept && now - this.kept.at < KEY_CACHE_MS) return this.kept.key;
    this.kept = undefined;
    const master = findSecretKey(s, this.master);
    if (!master) {
      throw new HsmError(HsmErrorCode.KeyNotFound, `HSM key ${keyLabel(this.master)} not found; create it with "scm card init-keys"`, {
        key: keyLabel(this.master),
      });
    }
    checkMaster(master, this.master);
    this.kept = { key: master, at: now };
    return master;
  }

  private derive(s: Session, identity: CardIdentity, algorithm: ManagementKeyAlgorithmName, extractable: boolean): SecretKey {
    const kept = this.kept;
    try {
      return this.deriveFrom(s, this.masterKey(s), identity, algorithm, extractable);
    } catch (e) {
      // A kept handle that no longer names the key: search again, once.
      if (!kept || this.kept !== kept) throw e;
      this.kept = undefined;
      return this.deriveFrom(s, this.masterKey(s), identity, algorithm, extractable);
    }
  }

  private deriveFrom(
    s: Session,
    master: SecretKey,
    identity: CardIdentity,
    algorithm: ManagementKeyAlgorithmName,
    extractable: boolean,
  ): SecretKey {
    const info = MANAGEMENT_KEY_ALGORITHMS[algorithm];
    const mech = {
      name: 'AES_CBC_ENCRYPT_DATA',
      params: new AesCbcEncryptDataParams(Buffer.alloc(16), diversificationInput(identity, algorithm)),
    };
    const template = {
      class: ObjectClass.SECRET_KEY,
      token: false,
      private: true,
      sensitive: !extractable,
      extractable,
      encrypt: true,
      decrypt: true,
      derive: false,
      wrap: false,
      unwrap: false,
      ...(algorithm === '3des' ? { keyType: KeyType.DES3 } : { keyType: KeyType.AES, valueLen: info.bytes }),
    };
    return s.deriveKey(mech, master, template).toType<SecretKey>();
  }

  private ecb(s: Session, key: SecretKey, algorithm: ManagementKeyAlgorithmName, block: Buffer, decrypt: boolean): Buffer {
    const mech = algorithm === '3des' ? MechanismEnum.DES3_ECB : MechanismEnum.AES_ECB;
    const c = decrypt ? s.createDecipher(mech, key) : s.createCipher(mech, key);
    return Buffer.concat([c.update(block), c.final()]);
  }

  private checkBlock(algorithm: ManagementKeyAlgorithmName, block: Uint8Array, what: string): Buffer {
    const size = MANAGEMENT_KEY_ALGORITHMS[algorithm].block;
    if (block.length !== size) throw new Error(`${what}: a ${algorithm} block has ${size} bytes, got ${block.length}`);
    return Buffer.from(block);
  }

  private run<T>(
    identity: CardIdentity,
    algorithm: ManagementKeyAlgorithmName,
    extractable: boolean,
    fn: (s: Session, k: SecretKey) => T,
  ): Promise<T> {
    return this.hsm.withSession((s) => {
      const key = this.derive(s, identity, algorithm, extractable);
      try {
        return fn(s, key);
      } finally {
        key.destroy();
      }
    });
  }

  /** Mutual authentication, step 2: decrypts the card's witness, picks a challenge and encrypts it. */
  respond(identity: CardIdentity, algorithm: ManagementKeyAlgorithmName, encryptedWitness: Uint8Array): Promise<Cryptograms> {
    const enc = this.checkBlock(algorithm, encryptedWitness, 'witness');
    const challenge = randomBytes(MANAGEMENT_KEY_ALGORITHMS[algorithm].block);
    return this.run(identity, algorithm, false, (s, k) => ({
      witness: this.ecb(s, k, algorithm, enc, true),
      challenge,
      expected: this.ecb(s, k, algorithm, challenge, false),
    }));
  }

  /** One-way authentication: E_K(challenge). */
  encrypt(identity: CardIdentity, algorithm: ManagementKeyAlgorithmName, challenge: Uint8Array): Promise<Buffer> {
    const block = this.checkBlock(algorithm, challenge, 'challenge');
    return this.run(identity, algorithm, false, (s, k) => this.ecb(s, k, algorithm, block, false));
  }

  /**
   * The key itself, for SET MANAGEMENT KEY only: it must reach the card. The caller wraps it for
   * the worker at once and wipes this buffer.
   */
  exportForCard(identity: CardIdentity, algorithm: ManagementKeyAlgorithmName): Promise<Buffer> {
    return this.run(identity, algorithm, true, (_s, k) => Buffer.from(k.getAttribute({ value: null }).value as Buffer));
  }
}
