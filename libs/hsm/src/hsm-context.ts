import { type webcrypto } from 'node:crypto';
import {
  KeyGenMechanism,
  KeyType,
  type Key,
  type Module,
  ObjectClass,
  type PrivateKey,
  type PublicKey,
  type SecretKey,
  type Session,
  type SessionObject,
  type Slot,
} from 'graphene-pk11';
import { CryptoKey as P11CryptoKey, type Crypto as P11Crypto } from 'node-webcrypto-p11';
import { randomBytes } from 'node:crypto';
import { HsmError, HsmErrorCode } from './hsm-errors';
import { HsmSecretKey, HsmSigningKey, runOp, type SecretKeyAlgorithm, type SigningKeyAlgorithm } from './hsm-keys';
import type { HsmSettings } from './hsm-settings';
import { HsmWebCrypto } from './hsm-webcrypto';
import { keyLabel, parseKeyLabel, type KeyRef } from './key-ref';
import {
  CLASS_USAGES,
  decodeMechanisms,
  pairProfile,
  policyTemplate,
  profilePolicy,
  secretProfile,
  type KeyObjectClass,
  type KeyProfile,
  type KeyUsage,
} from './key-policy';
import { firstLine } from './pkcs11-module';
import { openTokenSession, openUserSession } from './pkcs11-token';
import { SessionLane } from './session-lane';

export interface HsmContextOptions {
  /** PKCS#11 sessions opened for concurrent operations (each runs one operation at a time). Default 2. */
  sessions?: number;
}

/** What {@link HsmContext.listKeys} reports about one SCM key. */
export interface HsmKeyInfo {
  ref: KeyRef;
  kind: 'key-pair' | 'secret';
  algorithm: SigningKeyAlgorithm | SecretKeyAlgorithm | 'unknown';
  extractable: boolean;
  sensitive: boolean;
}

/** What {@link HsmContext.listKeyObjects} reports about one key object on the token. */
export interface HsmKeyObjectInfo {
  label: string;
  class: KeyObjectClass;
  /** CKK_* name: EC, RSA, AES, GENERIC_SECRET … */
  keyType: string;
  extractable?: boolean;
  sensitive?: boolean;
  /** The usage attributes (of those its class carries) set to true. */
  usages: KeyUsage[];
  /** CKA_ALLOWED_MECHANISMS; empty when the key has none (every mechanism allowed). */
  mechanisms: number[];
}

const CURVES: Record<'P-256' | 'P-384', { oid: Buffer; name: string }> = {
  'P-256': { oid: Buffer.from('06082a8648ce3d030107', 'hex'), name: 'P-256' },
  'P-384': { oid: Buffer.from('06052b81040022', 'hex'), name: 'P-384' },
};

/**
 * The one door to the HSM for a process: the PKCS#11 module (initialised once per process),
 * the logged-in token, a WebCrypto provider over it for @peculiar/x509, and key helpers that
 * find keys by label/version. Getting a key never creates it; creation is an explicit call.
 */
export class HsmContext {
  /** WebCrypto provider: HSM keys are used inside the HSM, the rest runs in node:crypto. */
  readonly crypto: HsmWebCrypto;
  private closed = false;
  /** Keys found by label (see {@link cached}). */
  private readonly found = new Map<string, { label: string; at: number; key: Promise<HsmSigningKey | HsmSecretKey> }>();

  private constructor(
    readonly settings: HsmSettings,
    readonly module: Module,
    readonly slot: Slot,
    private readonly lanes: SessionLane[],
  ) {
    this.crypto = new HsmWebCrypto(() => this.lane());
  }

  /** Loads the module (once per process), finds the token, logs in and opens the session lanes. */
  static open(settings: HsmSettings, opts: HsmContextOptions = {}): HsmContext {
    const { module: mod, slot, session } = openTokenSession(settings);
    const n = Math.max(1, Math.min(opts.sessions ?? 2, 16));
    const lanes: SessionLane[] = [new SessionLane(session, 0)];
    try {
      for (let i = 1; i < n; i++) lanes.push(new SessionLane(openUserSession(slot, settings), i));
    } catch (e) {
      for (const l of lanes) safeClose(l.session);
      throw e;
    }
    return new HsmContext(settings, mod, slot, lanes);
  }

  /**
   * The first lane's graphene session, for code that needs raw PKCS#11. Use it only inside
   * {@link withSession}: a session runs one operation at a time.
   */
  get session(): Session {
    return this.lanes[0].session;
  }

  /** Runs fn with exclusive use of a logged-in session and a node-webcrypto-p11 provider over it. */
  withSession<T>(fn: (session: Session, p11: P11Crypto) => Promise<T> | T): Promise<T> {
    return this.lane().run(fn);
  }

  /** How many sessions (lanes) this context runs operations on. */
  get sessionCount(): number {
    return this.lanes.length;
  }

  /** Cheap liveness check: the token answers on a logged-in session. */
  async ping(): Promise<{ token: string; serial: string }> {
    try {
      await this.lane().run((s) => s.generateRandom(1));
      const t = this.slot.getToken();
      return { token: t.label.trim(), serial: t.serialNumber.trim() };
    } catch (e) {
      throw new HsmError(HsmErrorCode.Unavailable, `HSM check failed: ${firstLine(e)}`, {}, { cause: e });
    }
  }

  /** Random bytes from the token's generator. */
  random(n: number): Promise<Buffer> {
    return this.lane().run((s) => s.generateRandom(n));
  }

  /** Closes the sessions (the module stays loaded for the rest of the process). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.found.clear();
    for (const l of this.lanes) safeClose(l.session);
  }

  // ---- signing key pairs ----

  /** The existing key pair labelled `label/version`; HsmError KeyNotFound when missing. */
  async getSigningKey(ref: KeyRef, expected?: SigningKeyAlgorithm): Promise<HsmSigningKey> {
    return this.cached(ref, `pair ${expected ?? ''}`, async () => {
      const found = await this.findPair(ref);
      if (!found) throw keyNotFound(ref, 'key pair');
      return this.toSigningKey(ref, found.priv, found.pub, expected);
    });
  }

  /** Creates a new non-extractable key pair; HsmError KeyExists when the label/version is taken. */
  async createSigningKey(ref: KeyRef, algorithm: SigningKeyAlgorithm): Promise<HsmSigningKey> {
    this.forget(ref);
    const label = keyLabel(ref);
    if (await this.anyObject(label)) throw new HsmError(HsmErrorCode.KeyExists, `HSM key ${label} already exists`, { key: label });
    const { priv, pub } = await runOp(
      () => this.lane(),
      label,
      'generate',
      (session) => generatePair(session, label, algorithm),
    );
    return this.toSigningKey(ref, priv, pub, algorithm);
  }

  /** The key pair if it exists (checked against the algorithm), else a new one. Creation is explicit: call this only in setup. */
  async getOrCreateSigningKey(ref: KeyRef, algorithm: SigningKeyAlgorithm): Promise<HsmSigningKey> {
    const found = await this.findPair(ref);
    if (found) return this.toSigningKey(ref, found.priv, found.pub, algorithm);
    return this.createSigningKey(ref, algorithm);
  }

  // ---- secret keys ----

  /** The existing secret key labelled `label/version`; HsmError KeyNotFound when missing. */
  async getSecretKey(ref: KeyRef, expected?: SecretKeyAlgorithm): Promise<HsmSecretKey> {
    return this.cached(ref, `secret ${expected ?? ''}`, async () => {
      const obj = await this.findOne(ref, ObjectClass.SECRET_KEY);
      if (!obj) throw keyNotFound(ref, 'secret key');
      return this.toSecretKey(ref, obj.toType<SecretKey>(), expected);
    });
  }

  /**
   * A key found by label is kept for KEY_CACHE_MS: finding it costs a search of the token, two
   * object reads and a public-key export, and every certificate, VSC seal and PUK would pay it
   * again. Object handles of token objects stay valid across this process's sessions. A lookup that
   * failed is not kept; a key destroyed or created here is forgotten at once; one destroyed by
   * another process is noticed when its entry expires.
   */
  private cached<K extends HsmSigningKey | HsmSecretKey>(ref: KeyRef, kind: string, find: () => Promise<K>): Promise<K> {
    const label = keyLabel(ref);
    const id = `${kind}\n${label}`;
    const now = Date.now();
    const hit = this.found.get(id);
    if (hit && now - hit.at < KEY_CACHE_MS) return hit.key as Promise<K>;
    const key = find();
    this.found.set(id, { label, at: now, key });
    key.catch(() => {
      if (this.found.get(id)?.key === key) this.found.delete(id);
    });
    return key;
  }

  /** Forgets what was found under `ref`'s label (the key was created or destroyed). */
  private forget(ref: KeyRef): void {
    const label = keyLabel(ref);
    for (const [id, e] of [...this.found]) if (e.label === label) this.found.delete(id);
  }

  /** Creates a new non-extractable secret key; HsmError KeyExists when the label/version is taken. */
  async createSecretKey(ref: KeyRef, algorithm: SecretKeyAlgorithm, profile?: KeyProfile): Promise<HsmSecretKey> {
    this.forget(ref);
    const label = keyLabel(ref);
    if (await this.anyObject(label)) throw new HsmError(HsmErrorCode.KeyExists, `HSM key ${label} already exists`, { key: label });
    const key = await runOp(
      () => this.lane(),
      label,
      'generate',
      (session) => generateSecret(session, label, algorithm, secretProfile(ref.label, algorithm, profile)),
    );
    return this.toSecretKey(ref, key, algorithm);
  }

  /** The secret key if it exists (checked against the algorithm), else a new one. Creation is explicit: call this only in setup. */
  async getOrCreateSecretKey(ref: KeyRef, algorithm: SecretKeyAlgorithm, profile?: KeyProfile): Promise<HsmSecretKey> {
    const obj = await this.findOne(ref, ObjectClass.SECRET_KEY);
    if (obj) return this.toSecretKey(ref, obj.toType<SecretKey>(), algorithm);
    return this.createSecretKey(ref, algorithm, profile);
  }

  /** Every key on the token whose label has the SCM form `label/version`. */
  async listKeys(): Promise<HsmKeyInfo[]> {
    return this.lane().run((session) => {
      const out: HsmKeyInfo[] = [];
      for (const cls of [ObjectClass.PRIVATE_KEY, ObjectClass.SECRET_KEY]) {
        session.find({ class: cls, token: true }, (obj) => {
          const key = obj.toType<PrivateKey | SecretKey>();
          const ref = parseKeyLabel(key.label);
          if (!ref) return;
          out.push({
            ref,
            kind: cls === ObjectClass.PRIVATE_KEY ? 'key-pair' : 'secret',
            algorithm:
              cls === ObjectClass.PRIVATE_KEY
                ? (pairAlgorithm(key as PrivateKey) ?? 'unknown')
                : (secretAlgorithm(key as SecretKey) ?? 'unknown'),
            extractable: !!key.extractable,
            sensitive: !!key.sensitive,
          });
        });
      }
      return out.sort((a, b) => a.ref.label.localeCompare(b.ref.label) || a.ref.version - b.ref.version);
    });
  }

  /**
   * Every key object on the token (SCM's or not), with its class, type, protection, usage
   * attributes and allowed mechanisms: what `scm hsm keys --attributes` shows.
   */
  async listKeyObjects(): Promise<HsmKeyObjectInfo[]> {
    const classes: Array<[ObjectClass, KeyObjectClass]> = [
      [ObjectClass.SECRET_KEY, 'secret'],
      [ObjectClass.PRIVATE_KEY, 'private'],
      [ObjectClass.PUBLIC_KEY, 'public'],
    ];
    return this.lane().run((session) => {
      const out: HsmKeyObjectInfo[] = [];
      for (const [cls, name] of classes) {
        session.find({ class: cls, token: true }, (obj) => {
          const query: Record<string, null> = { label: null, keyType: null, allowedMechanisms: null };
          for (const u of CLASS_USAGES[name]) query[u] = null;
          if (name !== 'public') Object.assign(query, { extractable: null, sensitive: null });
          const a = obj.getAttribute(query) as Record<string, unknown>;
          out.push({
            label: String(a.label ?? ''),
            class: name,
            keyType: KeyType[a.keyType as number] ?? String(a.keyType),
            ...(name !== 'public' ? { extractable: !!a.extractable, sensitive: !!a.sensitive } : {}),
            usages: CLASS_USAGES[name].filter((u) => !!a[u]),
            mechanisms: decodeMechanisms(a.allowedMechanisms as Buffer | undefined),
          });
        });
      }
      return out.sort((x, y) => x.label.localeCompare(y.label) || x.class.localeCompare(y.class));
    });
  }

  /** Destroys a key (both halves of a pair). Only for tests and key-ceremony tooling. */
  async destroyKey(ref: KeyRef): Promise<number> {
    this.forget(ref);
    const label = keyLabel(ref);
    return this.lane().run((session) => {
      const objs: SessionObject[] = [];
      session.find({ label, token: true }, (o) => {
        objs.push(o);
      });
      for (const o of objs) o.destroy();
      return objs.length;
    });
  }

  // ---- internals ----

  private lane(): SessionLane {
    if (this.closed) throw new HsmError(HsmErrorCode.Unavailable, 'the HSM context is closed', {});
    let best = this.lanes[0];
    for (const l of this.lanes) if (l.load < best.load) best = l;
    return best;
  }

  private async anyObject(label: string): Promise<boolean> {
    return this.lane().run((session) => session.find({ label, token: true }).length > 0);
  }

  private async findOne(ref: KeyRef, cls: ObjectClass): Promise<SessionObject | undefined> {
    const label = keyLabel(ref);
    const found = await this.lane().run((session) => {
      const objs: SessionObject[] = [];
      session.find({ class: cls, label, token: true }, (o) => {
        objs.push(o);
      });
      return objs;
    });
    if (found.length > 1) {
      throw new HsmError(HsmErrorCode.KeyMismatch, `${found.length} HSM objects carry the label ${label}; remove the duplicates`, {
        key: label,
      });
    }
    return found[0];
  }

  private async findPair(ref: KeyRef): Promise<{ priv: PrivateKey; pub: PublicKey } | undefined> {
    const priv = await this.findOne(ref, ObjectClass.PRIVATE_KEY);
    const pub = await this.findOne(ref, ObjectClass.PUBLIC_KEY);
    if (!priv && !pub) return undefined;
    if (!priv || !pub) {
      throw new HsmError(HsmErrorCode.KeyMismatch, `HSM key ${keyLabel(ref)} has a ${priv ? 'private' : 'public'} half only`, {
        key: keyLabel(ref),
      });
    }
    return { priv: priv.toType<PrivateKey>(), pub: pub.toType<PublicKey>() };
  }

  private async toSigningKey(ref: KeyRef, priv: PrivateKey, pub: PublicKey, expected?: SigningKeyAlgorithm): Promise<HsmSigningKey> {
    const label = keyLabel(ref);
    const algorithm = pairAlgorithm(priv, pub);
    if (!algorithm) throw new HsmError(HsmErrorCode.KeyMismatch, `HSM key ${label} has an unsupported type or size`, { key: label });
    if (expected && expected !== algorithm) {
      throw new HsmError(HsmErrorCode.KeyMismatch, `HSM key ${label} is ${algorithm}, not ${expected}`, {
        key: label,
        algorithm,
        expected,
      });
    }
    assertProtected(label, priv);
    if (!priv.sign) throw new HsmError(HsmErrorCode.KeyMismatch, `HSM key ${label} may not sign`, { key: label });
    const alg =
      algorithm === 'P-256' || algorithm === 'P-384'
        ? { name: 'ECDSA', namedCurve: CURVES[algorithm].name }
        : { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } };
    // keyStorage.getItem searches the lane's session (C_FindObjects*): in the lane's queue, never
    // beside an operation running on that session (CKR_OPERATION_ACTIVE, seen under load).
    const { privateKey, publicKey } = await this.lanes[0].run(async (_s, p11) => ({
      privateKey: (await p11.keyStorage.getItem(P11CryptoKey.getID(priv), alg as never, false, ['sign'])) as unknown as webcrypto.CryptoKey,
      publicKey: (await p11.keyStorage.getItem(P11CryptoKey.getID(pub), alg as never, true, ['verify'])) as unknown as webcrypto.CryptoKey,
    }));
    const spki = await runOp(
      () => this.lane(),
      label,
      'export public key',
      async (_s, lp11) => Buffer.from(await lp11.subtle.exportKey('spki', publicKey as never)),
    );
    return new HsmSigningKey(() => this.lane(), ref, algorithm, privateKey, publicKey, spki);
  }

  private async toSecretKey(ref: KeyRef, key: SecretKey, expected?: SecretKeyAlgorithm): Promise<HsmSecretKey> {
    const label = keyLabel(ref);
    const algorithm = secretAlgorithm(key);
    if (!algorithm) throw new HsmError(HsmErrorCode.KeyMismatch, `HSM key ${label} has an unsupported type or size`, { key: label });
    if (expected && expected !== algorithm) {
      throw new HsmError(HsmErrorCode.KeyMismatch, `HSM key ${label} is ${algorithm}, not ${expected}`, {
        key: label,
        algorithm,
        expected,
      });
    }
    assertProtected(label, key);
    // In the lane's queue, like every use of a session (see toSigningKey).
    const cryptoKey = await this.lanes[0].run((_s, p11) =>
      algorithm === 'AES-256'
        ? p11.keyStorage.getItem(P11CryptoKey.getID(key), { name: 'AES-GCM', length: 256 } as never, false, ['encrypt', 'decrypt'])
        : p11.keyStorage.getItem(P11CryptoKey.getID(key), { name: 'HMAC', hash: { name: 'SHA-256' }, length: 256 } as never, false, [
            'sign',
            'verify',
          ]),
    );
    return new HsmSecretKey(() => this.lane(), ref, algorithm, cryptoKey as unknown as webcrypto.CryptoKey, key as Key);
  }
}

function safeClose(s: Session): void {
  try {
    s.close();
  } catch {
    /* already closed */
  }
}

/** How long a key found by label is used without searching the token again. */
export const KEY_CACHE_MS = 60_000;

function keyNotFound(ref: KeyRef, what: string): HsmError {
  const label = keyLabel(ref);
  return new HsmError(
    HsmErrorCode.KeyNotFound,
    `HSM ${what} ${label} not found; it is created by setup, or restored with the token backup (docs/hsm.md)`,
    { key: label },
  );
}

/** Keys SCM uses must never leave the HSM in clear. */
function assertProtected(label: string, key: PrivateKey | SecretKey): void {
  if (key.extractable || !key.sensitive) {
    throw new HsmError(HsmErrorCode.KeyMismatch, `HSM key ${label} is extractable or not sensitive; SCM refuses to use it`, { key: label });
  }
}

function pairAlgorithm(priv: PrivateKey, pub?: PublicKey): SigningKeyAlgorithm | undefined {
  if (priv.type === KeyType.EC) {
    // CKA_EC_PARAMS and CKA_ECDSA_PARAMS are one attribute; graphene names it paramsECDSA when reading.
    const attrs = priv.getAttribute({ paramsEC: null }) as { paramsEC?: Buffer; paramsECDSA?: Buffer };
    const params = attrs.paramsECDSA ?? attrs.paramsEC ?? Buffer.alloc(0);
    if (params.equals(CURVES['P-256'].oid)) return 'P-256';
    if (params.equals(CURVES['P-384'].oid)) return 'P-384';
    return undefined;
  }
  if (priv.type === KeyType.RSA) {
    const modulus = (pub ?? priv).getAttribute({ modulus: null }).modulus as Buffer;
    const bits = modulus.length * 8;
    return bits === 2048 ? 'RSA-2048' : bits === 3072 ? 'RSA-3072' : undefined;
  }
  return undefined;
}

function secretAlgorithm(key: SecretKey): SecretKeyAlgorithm | undefined {
  const len = key.getAttribute({ valueLen: null }).valueLen as number;
  if (key.type === KeyType.AES && len === 32) return 'AES-256';
  if (key.type === KeyType.GENERIC_SECRET && len === 32) return 'HMAC-SHA-256';
  return undefined;
}

function generatePair(session: Session, label: string, algorithm: SigningKeyAlgorithm): Promise<{ priv: PrivateKey; pub: PublicKey }> {
  const id = randomBytes(16);
  const common = { token: true, label, id };
  const policy = profilePolicy(pairProfile(algorithm), algorithm);
  const privTemplate = {
    ...common,
    class: ObjectClass.PRIVATE_KEY,
    private: true,
    sensitive: true,
    extractable: false,
    ...policyTemplate(policy.private!, 'private'),
  };
  const pubPolicy = policyTemplate(policy.public!, 'public');
  let mech: KeyGenMechanism;
  let pubTemplate: Record<string, unknown>;
  if (algorithm === 'P-256' || algorithm === 'P-384') {
    mech = KeyGenMechanism.EC;
    pubTemplate = {
      ...common,
      class: ObjectClass.PUBLIC_KEY,
      keyType: KeyType.EC,
      private: false,
      ...pubPolicy,
      paramsEC: CURVES[algorithm].oid,
    };
    Object.assign(privTemplate, { keyType: KeyType.EC });
  } else {
    mech = KeyGenMechanism.RSA;
    const bits = algorithm === 'RSA-2048' ? 2048 : 3072;
    pubTemplate = {
      ...common,
      class: ObjectClass.PUBLIC_KEY,
      keyType: KeyType.RSA,
      private: false,
      ...pubPolicy,
      modulusBits: bits,
      publicExponent: Buffer.from([1, 0, 1]),
    };
    Object.assign(privTemplate, { keyType: KeyType.RSA });
  }
  return new Promise((resolve, reject) => {
    // The callback form runs C_GenerateKeyPair on a worker thread: RSA-3072 takes seconds.
    session.generateKeyPair(mech, pubTemplate, privTemplate, (err, keys) => {
      if (err || !keys) reject(err ?? new Error('no key pair returned'));
      else resolve({ priv: keys.privateKey, pub: keys.publicKey });
    });
  });
}

function generateSecret(session: Session, label: string, algorithm: SecretKeyAlgorithm, profile: KeyProfile): Promise<SecretKey> {
  const policy = profilePolicy(profile).secret;
  if (!policy || (algorithm === 'HMAC-SHA-256') !== (profile === 'hmac-sha256')) {
    throw new HsmError(HsmErrorCode.KeyMismatch, `a ${algorithm} key cannot have the profile ${profile}`, { key: label });
  }
  const base = {
    class: ObjectClass.SECRET_KEY,
    token: true,
    private: true,
    sensitive: true,
    extractable: false,
    label,
    id: randomBytes(16),
    valueLen: 32,
  };
  const [mech, template] =
    algorithm === 'AES-256'
      ? [KeyGenMechanism.AES, { ...base, keyType: KeyType.AES, ...policyTemplate(policy, 'secret') }]
      : [KeyGenMechanism.GENERIC_SECRET, { ...base, keyType: KeyType.GENERIC_SECRET, ...policyTemplate(policy, 'secret') }];
  return new Promise((resolve, reject) => {
    session.generateKey(mech, template, (err, key) => {
      if (err || !key) reject(err ?? new Error('no key returned'));
      else resolve(key);
    });
  });
}
