import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { encodeTlvs, findTlv, parseTlvs } from '@scm/apdu';
import { attestationCertificate, createAttestationAuthority, type AttestationAuthority } from '../crypto/attestation';
import { bytesEqual, mgmEncryptBlock } from '../crypto/management-key';
import { algorithmOf, generatePrivateKey, InvalidKeyInputError, softwarePrivateOperation } from '../crypto/key-ops';
import { hashPin, hashPinSync, padPin, type PinHash, pinMatches } from '../crypto/pin-hash';
import {
  Defaults,
  KeyRef,
  ObjectTag,
  PinPolicy,
  TouchPolicy,
  type KeyAlgorithmId,
  type MgmAlgorithmId,
  type PinPolicyId,
  type TouchPolicyId,
} from '../piv.constants';
import {
  BackendError,
  BackendErrorCode,
  type KeyPolicy,
  type ManagementKey,
  type PinCheck,
  type PinReference,
  type PivCardBackend,
  type PivCardIdentity,
  type PrivateOperation,
  type RetryState,
  type SlotKeyInfo,
} from './piv-card-backend.port';

interface RefState {
  salt: Uint8Array;
  hash: Uint8Array;
  total: number;
  remaining: number;
  isDefault: boolean;
}

interface SlotKey {
  algorithm: KeyAlgorithmId;
  policy: KeyPolicy;
  origin: 'generated' | 'imported';
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Everything a software card keeps; `SoftCardStateJson` is its serialised form. */
export interface SoftCardState {
  identity: PivCardIdentity;
  pin: RefState;
  puk: RefState;
  mgm: { algorithm: MgmAlgorithmId; key: Uint8Array; touchPolicy: TouchPolicyId; isDefault: boolean };
  objects: Map<number, Uint8Array>;
  keys: Map<number, SlotKey>;
}

export interface SoftPivBackendOptions {
  serial?: number;
  version?: readonly [number, number, number];
  atr?: Uint8Array;
  /** The management key the card leaves the factory with (a stock transport key); default: the well-known key. */
  managementKey?: { algorithm: MgmAlgorithmId; key: Uint8Array };
  /** The card's F9 key and certificate from the factory (e.g. issued by a test vendor root); default: self-signed on first use. */
  attestation?: AttestationAuthority;
}

const DEFAULT_PIN = padPin(Defaults.PIN);
const DEFAULT_PUK = padPin(Defaults.PUK);

/**
 * The hashes of the factory PIN and PUK, made once per process: the values are public (every blank
 * card has them), so blank cards sharing their salt reveals nothing, and a new blank card costs no
 * scrypt. A value set on the card is hashed with a fresh salt as before.
 */
const factoryHashes = new Map<string, PinHash>();

/** Whether `r` still holds the factory hash of `value` (the public default entered): a match without scrypt. */
function isFactoryValue(r: RefState, value: Uint8Array): boolean {
  const h = factoryHashes.get(Buffer.from(value).toString('hex'));
  return h !== undefined && bytesEqual(h.salt, r.salt) && bytesEqual(h.hash, r.hash);
}

function blankRef(value: Uint8Array, total: number): RefState {
  const key = Buffer.from(value).toString('hex');
  let h = factoryHashes.get(key);
  if (!h) factoryHashes.set(key, (h = hashPinSync(value)));
  return { salt: Uint8Array.from(h.salt), hash: Uint8Array.from(h.hash), total, remaining: total, isDefault: true };
}

function defaultMgm(): SoftCardState['mgm'] {
  return {
    algorithm: Defaults.MANAGEMENT_ALGORITHM,
    key: Uint8Array.from(Defaults.MANAGEMENT_KEY),
    touchPolicy: TouchPolicy.NEVER,
    isDefault: true,
  };
}

/** A blank card: PIN 123456, PUK 12345678 (3 tries each), default 3DES management key, no keys or objects. */
export function blankCardState(opts: SoftPivBackendOptions = {}): SoftCardState {
  return {
    identity: {
      serial: opts.serial ?? 10000000 + Math.floor(Math.random() * 80000000),
      version: opts.version ?? Defaults.VERSION,
      atr: opts.atr ?? Defaults.ATR,
    },
    pin: blankRef(DEFAULT_PIN, Defaults.PIN_RETRIES),
    puk: blankRef(DEFAULT_PUK, Defaults.PUK_RETRIES),
    mgm: opts.managementKey
      ? {
          algorithm: opts.managementKey.algorithm,
          key: Uint8Array.from(opts.managementKey.key),
          touchPolicy: TouchPolicy.NEVER,
          isDefault: false,
        }
      : defaultMgm(),
    objects: new Map(),
    keys: new Map(),
  };
}

/**
 * The software backend: keys as node:crypto KeyObjects, PIN and PUK as salted scrypt hashes.
 * Held in memory; a subclass persists the state after every change by overriding `persist`.
 */
export class SoftPivBackend implements PivCardBackend {
  protected readonly state: SoftCardState;

  constructor(state: SoftCardState | SoftPivBackendOptions = {}) {
    this.state = 'pin' in state ? state : blankCardState(state);
    if (!('pin' in state) && state.attestation) this.installAttestation(state.attestation);
  }

  /** Puts an attestation authority into F9 (key) and 5FFF01 (certificate), as a vendor does at the factory. */
  private installAttestation(authority: AttestationAuthority): void {
    this.state.keys.set(KeyRef.ATTESTATION, {
      algorithm: algorithmOfOrThrow(authority.privateKey),
      policy: { pin: PinPolicy.NEVER, touch: TouchPolicy.NEVER },
      origin: 'generated',
      privateKey: authority.privateKey,
      publicKey: createPublicKey(authority.privateKey),
    });
    this.state.objects.set(
      ObjectTag.ATTESTATION_CERT,
      encodeTlvs([
        { tag: 0x70, value: authority.certificate },
        { tag: 0x71, value: Uint8Array.of(0) },
        { tag: 0xfe, value: new Uint8Array(0) },
      ]),
    );
  }

  get identity(): PivCardIdentity {
    return this.state.identity;
  }

  /** Called after every change, before the change is acknowledged to the host. */
  protected async persist(): Promise<void> {}

  private ref(ref: PinReference): RefState {
    return ref === 0x80 ? this.state.pin : this.state.puk;
  }

  async retryState(ref: PinReference): Promise<RetryState> {
    const r = this.ref(ref);
    return { total: r.total, remaining: r.remaining, isDefault: r.isDefault };
  }

  async verifyReference(ref: PinReference, value: Uint8Array): Promise<PinCheck> {
    const r = this.ref(ref);
    if (r.remaining === 0) return { ok: false, remaining: 0 };
    if (isFactoryValue(r, value) || (await pinMatches(value, r))) {
      if (r.remaining !== r.total) {
        r.remaining = r.total;
        await this.persist();
      }
      return { ok: true };
    }
    r.remaining--;
    await this.persist();
    return { ok: false, remaining: r.remaining };
  }

  async changeReference(ref: PinReference, current: Uint8Array, next: Uint8Array): Promise<PinCheck> {
    const check = await this.verifyReference(ref, current);
    if (!check.ok) return check;
    await this.setRef(this.ref(ref), next, ref === 0x80 ? DEFAULT_PIN : DEFAULT_PUK);
    return check;
  }

  async unblockPin(puk: Uint8Array, newPin: Uint8Array): Promise<PinCheck> {
    const check = await this.verifyReference(0x81, puk);
    if (!check.ok) return check;
    this.state.pin.remaining = this.state.pin.total;
    await this.setRef(this.state.pin, newPin, DEFAULT_PIN);
    return check;
  }

  private async setRef(r: RefState, value: Uint8Array, defaultValue: Uint8Array): Promise<void> {
    const h = await hashPin(value);
    r.salt = h.salt;
    r.hash = h.hash;
    r.isDefault = bytesEqual(value, defaultValue);
    await this.persist();
  }

  async setRetries(pinTotal: number, pukTotal: number): Promise<void> {
    this.state.pin = blankRef(DEFAULT_PIN, pinTotal);
    this.state.puk = blankRef(DEFAULT_PUK, pukTotal);
    await this.persist();
  }

  async managementKey(): Promise<ManagementKey> {
    const { algorithm, key, touchPolicy, isDefault } = this.state.mgm;
    return { algorithm, touchPolicy, isDefault, encryptBlock: async (block) => mgmEncryptBlock(algorithm, key, block) };
  }

  async setManagementKey(algorithm: MgmAlgorithmId, key: Uint8Array, touchPolicy: TouchPolicyId): Promise<void> {
    const isDefault = algorithm === Defaults.MANAGEMENT_ALGORITHM && bytesEqual(key, Defaults.MANAGEMENT_KEY);
    this.state.mgm = { algorithm, key: Uint8Array.from(key), touchPolicy, isDefault };
    await this.persist();
  }

  async getObject(tag: number): Promise<Uint8Array | undefined> {
    return this.state.objects.get(tag);
  }

  async putObject(tag: number, value: Uint8Array | undefined): Promise<void> {
    if (value === undefined) this.state.objects.delete(tag);
    else this.state.objects.set(tag, Uint8Array.from(value));
    await this.persist();
  }

  async getKey(slot: number): Promise<SlotKeyInfo | undefined> {
    const k = this.state.keys.get(slot);
    return k && { algorithm: k.algorithm, policy: k.policy, origin: k.origin, publicKey: k.publicKey };
  }

  async generateKey(slot: number, algorithm: KeyAlgorithmId, policy: KeyPolicy): Promise<SlotKeyInfo> {
    const privateKey = await generatePrivateKey(algorithm);
    return this.storeKey(slot, { algorithm, policy, origin: 'generated', privateKey, publicKey: createPublicKey(privateKey) });
  }

  async importKey(slot: number, algorithm: KeyAlgorithmId, privateKey: KeyObject, policy: KeyPolicy): Promise<SlotKeyInfo> {
    return this.storeKey(slot, { algorithm, policy, origin: 'imported', privateKey, publicKey: createPublicKey(privateKey) });
  }

  private async storeKey(slot: number, key: SlotKey): Promise<SlotKeyInfo> {
    this.state.keys.set(slot, key);
    await this.persist();
    return (await this.getKey(slot)) as SlotKeyInfo;
  }

  async privateOperation(slot: number, op: PrivateOperation): Promise<Uint8Array> {
    const k = this.state.keys.get(slot);
    if (!k) throw new BackendError(BackendErrorCode.NoKey, `slot ${slot.toString(16)} is empty`);
    try {
      return softwarePrivateOperation(k.privateKey, op);
    } catch (e) {
      if (e instanceof InvalidKeyInputError) throw new BackendError(BackendErrorCode.InvalidInput, e.message, { cause: e });
      throw e;
    }
  }

  /**
   * Attestation as a YubiKey does it, signed by the key in F9. A card without an F9 key and
   * certificate gets a self-signed P-256 authority on first use (a YubiKey has Yubico's from the factory).
   */
  async attest(slot: number): Promise<Uint8Array | undefined> {
    const key = this.state.keys.get(slot);
    if (!key) return undefined;
    const authority = await this.attestationAuthority();
    return attestationCertificate(authority, { slot, publicKey: key.publicKey, policy: key.policy }, this.state.identity);
  }

  private async attestationAuthority(): Promise<AttestationAuthority> {
    const key = this.state.keys.get(KeyRef.ATTESTATION);
    const object = this.state.objects.get(ObjectTag.ATTESTATION_CERT);
    if (key && object) {
      const der = findTlv(parseTlvs(object), 0x70)?.value;
      if (!der) throw new BackendError(BackendErrorCode.Refused, 'the attestation certificate object holds no certificate');
      return { privateKey: key.privateKey, certificate: der };
    }
    if (key || object) throw new BackendError(BackendErrorCode.Refused, 'the attestation key and certificate must both be present');
    const authority = await createAttestationAuthority(this.state.identity.serial);
    this.installAttestation(authority);
    await this.persist();
    return authority;
  }

  async reset(): Promise<void> {
    const blank = blankCardState({ ...this.state.identity });
    // The attestation key survives a PIV reset on a YubiKey, and so does its certificate.
    const attestKey = this.state.keys.get(KeyRef.ATTESTATION);
    const attestCert = this.state.objects.get(ObjectTag.ATTESTATION_CERT);
    Object.assign(this.state, { pin: blank.pin, puk: blank.puk, mgm: blank.mgm, objects: new Map(), keys: new Map() });
    if (attestKey) this.state.keys.set(KeyRef.ATTESTATION, attestKey);
    if (attestCert) this.state.objects.set(ObjectTag.ATTESTATION_CERT, attestCert);
    await this.persist();
  }
}

function algorithmOfOrThrow(key: KeyObject): KeyAlgorithmId {
  const alg = algorithmOf(key);
  if (alg === undefined) throw new Error('unsupported key');
  return alg;
}

// ---- serialised form (the file backend's state file) ----

/** JSON form of `SoftCardState`; bytes as hex, private keys as PKCS#8 DER in base64. */
export interface SoftCardStateJson {
  format: 'scm-soft-piv-card';
  version: 1;
  identity: { serial: number; version: [number, number, number]; atr: string };
  pin: RefJson;
  puk: RefJson;
  mgm: { algorithm: number; key: string; touchPolicy: number; isDefault: boolean };
  objects: Record<string, string>;
  keys: Record<string, { algorithm: number; pinPolicy: number; touchPolicy: number; origin: 'generated' | 'imported'; pkcs8: string }>;
}
interface RefJson {
  salt: string;
  hash: string;
  total: number;
  remaining: number;
  isDefault: boolean;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** Serialises a card state to JSON-ready data. */
export function stateToJson(s: SoftCardState): SoftCardStateJson {
  const ref = (r: RefState): RefJson => ({
    salt: hex(r.salt),
    hash: hex(r.hash),
    total: r.total,
    remaining: r.remaining,
    isDefault: r.isDefault,
  });
  return {
    format: 'scm-soft-piv-card',
    version: 1,
    identity: { serial: s.identity.serial, version: [...s.identity.version], atr: hex(s.identity.atr) },
    pin: ref(s.pin),
    puk: ref(s.puk),
    mgm: { algorithm: s.mgm.algorithm, key: hex(s.mgm.key), touchPolicy: s.mgm.touchPolicy, isDefault: s.mgm.isDefault },
    objects: Object.fromEntries([...s.objects].map(([t, v]) => [t.toString(16), hex(v)])),
    keys: Object.fromEntries(
      [...s.keys].map(([slot, k]) => [
        slot.toString(16),
        {
          algorithm: k.algorithm,
          pinPolicy: k.policy.pin,
          touchPolicy: k.policy.touch,
          origin: k.origin,
          pkcs8: k.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        },
      ]),
    ),
  };
}

/** Parses the JSON form back; throws on anything that is not a state file of this format. */
export function stateFromJson(j: SoftCardStateJson): SoftCardState {
  if (j?.format !== 'scm-soft-piv-card' || j.version !== 1)
    throw new Error('not a software PIV card state file (format scm-soft-piv-card v1)');
  const ref = (r: RefJson): RefState => ({
    salt: unhex(r.salt),
    hash: unhex(r.hash),
    total: r.total,
    remaining: r.remaining,
    isDefault: r.isDefault,
  });
  return {
    identity: {
      serial: j.identity.serial,
      version: [j.identity.version[0], j.identity.version[1], j.identity.version[2]],
      atr: unhex(j.identity.atr),
    },
    pin: ref(j.pin),
    puk: ref(j.puk),
    mgm: {
      algorithm: j.mgm.algorithm as MgmAlgorithmId,
      key: unhex(j.mgm.key),
      touchPolicy: j.mgm.touchPolicy as TouchPolicyId,
      isDefault: j.mgm.isDefault,
    },
    objects: new Map(Object.entries(j.objects).map(([t, v]) => [parseInt(t, 16), unhex(v)])),
    keys: new Map(
      Object.entries(j.keys).map(([slot, k]) => {
        const privateKey = createPrivateKey({ key: Buffer.from(k.pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
        return [
          parseInt(slot, 16),
          {
            algorithm: k.algorithm as KeyAlgorithmId,
            policy: { pin: k.pinPolicy as PinPolicyId, touch: k.touchPolicy as TouchPolicyId },
            origin: k.origin,
            privateKey,
            publicKey: createPublicKey(privateKey),
          },
        ];
      }),
    ),
  };
}
