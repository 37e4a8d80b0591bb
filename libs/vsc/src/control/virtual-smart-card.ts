import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { VscError, VscErrorCode } from '../vsc-errors';
import { wipe } from '../format/bytes';
import { checkObject } from '../format/content.codec';
import { CEK_LENGTH, parseVscFile, type KeySlotRecord, type ParsedContent } from '../format/file.codec';
import {
  DEFAULT_KDF,
  VscFileType,
  initialState,
  isPivKeySlot,
  slotName,
  type DataArea,
  type DataObject,
  type EscrowPolicy,
  type KdfParams,
  type KeyAlgorithmId,
  type PasswordArea,
  type PrivateKeyRecord,
  type PublicKeyObject,
  type VscHeader,
  type VscKind,
  type VscObject,
  type VscState,
} from '../format/vsc-model';
import { argon2idKdf, type PinKdf } from '../crypto/pin-kdf';
import { randomUuid, systemRandom, type RandomSource } from '../crypto/random';
import {
  buildStandaloneFile,
  makePinSlot,
  makePinSlotFromKdfOutput,
  openAreas,
  openPinSlot,
  openRecoverySlot,
  sealContent,
  verifySeal,
  verifyState,
} from '../crypto/sealer';
import type { VscKeyProtector } from '../crypto/vsc-key-protector.port';
import { ecdh, generateKeyMaterial, isRsa, pivAlgorithmOf, privateKeyObject, rsaDecrypt, signWith, spkiOf } from './keys';
import { isValidPadded, toPadded } from './pin';

export interface VscDeps {
  readonly protector: VscKeyProtector;
  readonly random?: RandomSource;
  readonly kdf?: PinKdf;
  /** Milliseconds since the epoch (expiry checks). */
  readonly clock?: () => number;
}

/**
 * Persists a new state before the VSC acts on it: a standalone file rewrites its state section,
 * the server updates PostgreSQL. A wrong PIN is only reported once its count is saved.
 */
export type StateSink = (state: VscState, vsc: VirtualSmartCard) => Promise<void>;

export interface CreateVscOptions {
  /** Label, e.g. "VSC 00001079"; defaults to "VSC <serial>" or "VSC" and the first 8 hex digits of the id. */
  readonly label?: string;
  /** Serial of the real card this VSC twins: goes into the label and the state's binding. */
  readonly serial?: string;
  readonly kind?: VscKind;
  /** Cardholder PIN or password; without it the VSC is sealed for the recovery path only. */
  readonly pin?: string;
  readonly puk?: string;
  readonly parentId?: string;
  readonly expiresAt?: number;
  readonly pinTries?: number;
  readonly pukTries?: number;
  /**
   * KDF parameters of the cardholder path. Creation refuses anything weaker than DEFAULT_KDF
   * (64 MiB, t=3) unless `allowWeakKdf` is set, which only tests and test vectors do.
   */
  readonly kdf?: KdfParams;
  readonly allowWeakKdf?: boolean;
}

/** Who opened the private areas: nobody, the cardholder (PIN/PUK) or an officer (recovery key). */
export type VscAccess = 'none' | 'cardholder' | 'recovery';

interface OpenAreas {
  cek: Buffer;
  privateObjects: DataObject[];
  privateKeys: PrivateKeyRecord[];
  password: PasswordArea;
}

export interface DataObjectInput {
  readonly name: string;
  readonly area: DataArea;
  readonly value: Uint8Array;
  readonly mediaType?: string;
  readonly cardTag?: number;
}

/** Names the control program gives to slot objects. */
export const slotKeyName = (slot: number): string => `key-${slotName(slot)}`;
export const slotCertName = (slot: number): string => `cert-${slotName(slot)}`;

/**
 * The VSC control program over one VSC in memory (the seed's "VSC file structure and access
 * control buffer"): loading runs the whole consistency check; the private, secret-key and
 * password areas open only through the cardholder path (PIN, in the HSM) or the recovery path
 * (the HSM's recovery key); every change is sealed as a new content version; state changes go
 * to the `StateSink` before they take effect.
 */
export class VirtualSmartCard {
  private opened?: OpenAreas;
  private accessLevel: VscAccess = 'none';
  private dirty = false;
  private readonly random: RandomSource;
  private readonly kdf: PinKdf;
  private readonly clock: () => number;

  private constructor(
    private readonly deps: VscDeps,
    private header: VscHeader,
    private publicObjects: VscObject[],
    private pinSlots: KeySlotRecord[],
    private sealed: ParsedContent | undefined,
    private currentState: VscState,
    private readonly sink: StateSink | undefined,
  ) {
    this.random = deps.random ?? systemRandom;
    this.kdf = deps.kdf ?? argon2idKdf;
    this.clock = deps.clock ?? Date.now;
  }

  // ------------------------------------------------------------ create, load, check

  /** A new VSC, open for its creator (recovery access). Call `seal()` or `toStandaloneFile()` to keep it. */
  static async create(opts: CreateVscOptions, deps: VscDeps, sink?: StateSink): Promise<VirtualSmartCard> {
    const random = deps.random ?? systemRandom;
    const id = randomUuid(random);
    const kdf = opts.kdf ?? DEFAULT_KDF;
    if (!opts.allowWeakKdf && (kdf.memoryKiB < DEFAULT_KDF.memoryKiB || kdf.iterations < DEFAULT_KDF.iterations)) {
      throw new VscError(
        VscErrorCode.InvalidObject,
        `the cardholder KDF needs at least ${DEFAULT_KDF.memoryKiB} KiB and ${DEFAULT_KDF.iterations} passes`,
      );
    }
    const label = opts.label ?? (opts.serial ? `VSC ${opts.serial}` : `VSC ${id.slice(0, 8)}`);
    const keys = await deps.protector.currentKeys();
    const header: VscHeader = {
      id,
      label,
      kind: opts.kind ?? 'standalone',
      cardType: 'piv',
      hierarchy: { version: 1, ...(opts.parentId ? { parentId: opts.parentId } : {}) },
      keys,
    };
    const state = initialState({
      pinTries: opts.pinTries,
      pukTries: opts.pukTries,
      expiresAt: opts.expiresAt,
      binding: opts.serial ? { serial: opts.serial } : undefined,
    });
    const vsc = new VirtualSmartCard(deps, header, [], [], undefined, state, sink);
    vsc.opened = { cek: random.bytes(CEK_LENGTH), privateObjects: [], privateKeys: [], password: {} };
    vsc.accessLevel = 'recovery';
    vsc.dirty = true;
    if (opts.pin) await vsc.setPin(opts.pin, kdf);
    if (opts.puk) await vsc.setPuk(opts.puk);
    return vsc;
  }

  /**
   * Loads a VSC file after the consistency check: structure, seal MAC and (standalone) state MAC.
   * A content file (no state section) takes `opts.state` — the server's copy for managed VSCs —
   * or starts disabled with full counters.
   */
  static async load(bytes: Uint8Array, deps: VscDeps, opts: { state?: VscState; sink?: StateSink } = {}): Promise<VirtualSmartCard> {
    const file = parseVscFile(bytes);
    await verifySeal(file.content, deps.protector);
    await verifyState(file, deps.protector);
    const c = file.content;
    const state = opts.state ?? file.state?.state ?? { ...initialState(), status: 'disabled' as const };
    return new VirtualSmartCard(
      deps,
      c.header,
      [...c.objects],
      c.slots.filter((s) => s.type !== 'recovery'),
      c,
      state,
      opts.sink,
    );
  }

  /**
   * The full consistency check of a file, areas included: structure, seal, state and, through the
   * recovery path, every area's GCM tag. Returns a summary; throws the rejecting error otherwise.
   */
  static async check(bytes: Uint8Array, deps: VscDeps): Promise<VscCheckReport> {
    const file = parseVscFile(bytes);
    await verifySeal(file.content, deps.protector);
    await verifyState(file, deps.protector);
    const cek = await openRecoverySlot(file.content, deps.protector);
    try {
      const areas = openAreas(file.content, cek);
      wipe(...areas.privateKeys.map((k) => k.pkcs8));
      return {
        type: file.type === VscFileType.Standalone ? 'standalone' : 'content',
        id: file.content.header.id,
        label: file.content.header.label,
        version: file.content.header.hierarchy.version,
        contentHash: file.content.hash.toString('hex'),
        bytes: bytes.length,
        checks: [
          'magic',
          'version',
          'lengths',
          'structure',
          'seal',
          ...(file.state ? ['state'] : []),
          'recovery slot',
          'private area',
          'secret-key area',
          'password area',
        ],
      };
    } finally {
      wipe(cek);
    }
  }

  // ------------------------------------------------------------ identity and state

  get id(): string {
    return this.header.id;
  }

  get label(): string {
    return this.header.label;
  }

  get kind(): VscKind {
    return this.header.kind;
  }

  /** The header of the current version (the next one, if changed since the last seal). */
  get currentHeader(): VscHeader {
    return this.header;
  }

  /** Version number of the last sealed content (0 before the first seal). */
  get version(): number {
    return this.sealed?.header.hierarchy.version ?? 0;
  }

  /** SHA-256 of the last sealed content bytes. */
  get contentHash(): Buffer | undefined {
    return this.sealed?.hash;
  }

  /** The last sealed content bytes (what archives and the escrow store hold). */
  get contentBytes(): Buffer | undefined {
    return this.sealed?.bytes;
  }

  get state(): VscState {
    return this.currentState;
  }

  get access(): VscAccess {
    return this.accessLevel;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  get hasCardholderPath(): boolean {
    return this.pinSlots.some((s) => s.type === 'pin');
  }

  get hasPukPath(): boolean {
    return this.pinSlots.some((s) => s.type === 'puk');
  }

  /** True once `expiresAt` has passed. */
  get isExpired(): boolean {
    return this.currentState.expiresAt !== undefined && this.clock() / 1000 >= this.currentState.expiresAt;
  }

  /** Throws `Disabled` or `Expired` when the VSC may not be used as a card. */
  assertUsable(): void {
    if (this.currentState.status === 'disabled') throw new VscError(VscErrorCode.Disabled, `${this.label} is disabled`, { id: this.id });
    if (this.isExpired) {
      throw new VscError(
        VscErrorCode.Expired,
        `${this.label} expired at ${new Date((this.currentState.expiresAt ?? 0) * 1000).toISOString()}`,
        { id: this.id },
      );
    }
  }

  private async changeState(next: Omit<VscState, 'sequence'>): Promise<void> {
    const state: VscState = { ...next, sequence: this.currentState.sequence + 1 };
    await this.sink?.(state, this);
    this.currentState = state;
  }

  /** Disables the VSC (the seed's "disabled VSC", kept for emergencies). */
  async disable(): Promise<void> {
    if (this.currentState.status !== 'disabled') await this.changeState({ ...this.currentState, status: 'disabled' });
  }

  async enable(): Promise<void> {
    if (this.currentState.status !== 'active') await this.changeState({ ...this.currentState, status: 'active' });
  }

  /** Sets or clears the expiry (Unix seconds). */
  async setExpiry(expiresAt: number | undefined): Promise<void> {
    const { expiresAt: _old, ...rest } = this.currentState;
    await this.changeState(expiresAt === undefined ? rest : { ...rest, expiresAt });
  }

  /** Records the physical card this VSC twins. */
  async bind(serial: string, atr?: Uint8Array): Promise<void> {
    await this.changeState({ ...this.currentState, binding: { serial, ...(atr ? { atr: Buffer.from(atr) } : {}) } });
  }

  // ------------------------------------------------------------ opening

  private pinSlot(type: 'pin' | 'puk'): KeySlotRecord | undefined {
    return this.pinSlots.find((s) => s.type === type);
  }

  /**
   * VERIFY: checks the PIN through the cardholder path (Argon2id, then the KEK in the HSM) and
   * opens the private areas. Every VERIFY runs that whole path, also while the VSC is open: no
   * fast verifier of the PIN is kept (the GCM tag of the PIN slot's unwrap is the check). A wrong
   * PIN is counted (and saved) before `WrongPin` is thrown; at zero the VSC is blocked.
   */
  async verifyPin(pin: string | Uint8Array): Promise<void> {
    this.assertUsable();
    if (!this.hasCardholderPath)
      throw new VscError(VscErrorCode.NoCardholderPath, `${this.label} has no cardholder PIN yet (sealed for the recovery path only)`);
    if (this.currentState.pin.remaining === 0)
      throw new VscError(VscErrorCode.PinBlocked, `the PIN of ${this.label} is blocked; an officer unblocks it through the recovery path`, {
        remaining: 0,
      });
    const padded = toPadded(pin);
    try {
      const cek = await this.openWithSecret('pin', padded);
      if (!cek) {
        const remaining = this.currentState.pin.remaining - 1;
        await this.changeState({ ...this.currentState, pin: { ...this.currentState.pin, remaining } });
        throw remaining === 0
          ? new VscError(VscErrorCode.PinBlocked, `wrong PIN; the PIN of ${this.label} is now blocked`, { remaining: 0 })
          : new VscError(VscErrorCode.WrongPin, `wrong PIN (${remaining} ${remaining === 1 ? 'try' : 'tries'} left)`, { remaining });
      }
      this.acceptOpen(cek, 'cardholder');
      if (this.accessLevel === 'none') this.accessLevel = 'cardholder';
      if (this.currentState.pin.remaining !== this.currentState.pin.total) {
        await this.changeState({ ...this.currentState, pin: { ...this.currentState.pin, remaining: this.currentState.pin.total } });
      }
    } finally {
      wipe(padded);
    }
  }

  /** The PIN check a card does without opening anything new: false for a wrong PIN (counted), true for a right one. */
  async checkPin(pin: string | Uint8Array): Promise<{ ok: true } | { ok: false; remaining: number }> {
    try {
      await this.verifyPin(pin);
      return { ok: true };
    } catch (e) {
      if (e instanceof VscError && (e.code === VscErrorCode.WrongPin || e.code === VscErrorCode.PinBlocked)) {
        return { ok: false, remaining: (e.meta.remaining as number | undefined) ?? 0 };
      }
      throw e;
    }
  }

  private async openWithSecret(type: 'pin' | 'puk', padded: Buffer): Promise<Buffer | undefined> {
    const slot = this.pinSlot(type);
    if (!slot) return undefined;
    return openPinSlot(slot, this.header, padded, this.deps.protector, this.kdf);
  }

  private acceptOpen(cek: Buffer, level: VscAccess): void {
    if (!this.opened) {
      if (!this.sealed) throw new Error('nothing sealed to open');
      let areas;
      try {
        areas = openAreas(this.sealed, cek);
      } catch (e) {
        wipe(cek);
        throw e;
      }
      this.opened = { cek, ...areas };
    } else {
      wipe(cek);
    }
    if (level === 'recovery' || this.accessLevel === 'none') this.accessLevel = level;
  }

  /** Opens the private areas with the HSM's recovery key (an officer's path; no PIN involved). */
  async openWithRecovery(): Promise<void> {
    if (this.accessLevel === 'recovery') return;
    if (!this.sealed) throw new Error('nothing sealed to open');
    const cek = await openRecoverySlot(this.sealed, this.deps.protector);
    this.acceptOpen(cek, 'recovery');
  }

  /** RESET RETRY COUNTER: the PUK path opens the VSC, then the new PIN is set and its counter restored. */
  async unblockWithPuk(puk: string | Uint8Array, newPin: string | Uint8Array): Promise<void> {
    this.assertUsable();
    if (!this.hasPukPath) throw new VscError(VscErrorCode.NoCardholderPath, `${this.label} has no PUK`);
    if (this.currentState.puk.remaining === 0)
      throw new VscError(VscErrorCode.PinBlocked, `the PUK of ${this.label} is blocked`, { remaining: 0 });
    const padded = toPadded(puk, 'PUK');
    const pinPadded = toPadded(newPin);
    try {
      if (!isValidPadded(pinPadded)) throw new VscError(VscErrorCode.BadPin, 'a PIN is 6 to 8 printable ASCII characters');
      const cek = await this.openWithSecret('puk', padded);
      if (!cek) {
        const remaining = this.currentState.puk.remaining - 1;
        await this.changeState({ ...this.currentState, puk: { ...this.currentState.puk, remaining } });
        throw new VscError(remaining === 0 ? VscErrorCode.PinBlocked : VscErrorCode.WrongPin, `wrong PUK (${remaining} tries left)`, {
          remaining,
        });
      }
      this.acceptOpen(cek, 'cardholder');
      await this.renewContentKey();
      await this.setPin(pinPadded);
      await this.changeState({ ...this.currentState, puk: { ...this.currentState.puk, remaining: this.currentState.puk.total } });
    } finally {
      wipe(padded, pinPadded);
    }
  }

  /** Wipes the content key and the decrypted areas; the VSC is closed again. */
  close(): void {
    if (this.opened) {
      wipe(this.opened.cek, ...this.opened.privateKeys.map((k) => k.pkcs8));
      const p = this.opened.password;
      wipe(p.puk, p.managementKey?.key);
    }
    this.opened = undefined;
    this.accessLevel = 'none';
  }

  private requireOpen(what: string): OpenAreas {
    if (!this.opened) throw new VscError(VscErrorCode.NotOpen, `${what} needs the VSC opened (PIN verified or recovery path)`);
    return this.opened;
  }

  // ------------------------------------------------------------ PIN and PUK

  /**
   * Sets the cardholder PIN (or password): a new PIN slot under a fresh salt, the counter
   * restored (nothing else derived from the PIN is kept). Needs the VSC open: by the cardholder (change) or by an officer (unblock, or
   * adding the cardholder path to a VSC sealed for recovery only).
   */
  async setPin(pin: string | Uint8Array, kdf?: KdfParams): Promise<void> {
    const o = this.requireOpen('setting the PIN');
    const padded = toPadded(pin);
    try {
      if (!isValidPadded(padded)) throw new VscError(VscErrorCode.BadPin, 'a PIN is 6 to 8 printable ASCII characters');
      if (!this.header.kdf) this.header = { ...this.header, kdf: kdf ?? DEFAULT_KDF };
      const slot = await makePinSlot('pin', this.header, o.cek, padded, {
        protector: this.deps.protector,
        random: this.random,
        kdf: this.kdf,
      });
      this.pinSlots = [...this.pinSlots.filter((s) => s.type !== 'pin'), slot];
      this.dirty = true;
    } finally {
      wipe(padded);
    }
    if (this.currentState.pin.remaining !== this.currentState.pin.total) {
      await this.changeState({ ...this.currentState, pin: { ...this.currentState.pin, remaining: this.currentState.pin.total } });
    }
  }

  /**
   * Adds the cardholder path from an Argon2id output of the padded PIN computed on the cardholder's
   * host (salt and KDF parameters as given there): the PIN itself never reaches this process.
   */
  async setPinFromKdfOutput(salt: Uint8Array, kdfOutput: Uint8Array, kdf: KdfParams = DEFAULT_KDF): Promise<void> {
    const o = this.requireOpen('setting the PIN');
    if (!this.header.kdf) this.header = { ...this.header, kdf };
    const h = this.header.kdf!;
    if (h.memoryKiB !== kdf.memoryKiB || h.iterations !== kdf.iterations || h.parallelism !== kdf.parallelism)
      throw new VscError(VscErrorCode.InvalidObject, 'the KDF output was computed with other parameters than this VSC uses');
    const slot = await makePinSlotFromKdfOutput(this.header, o.cek, salt, kdfOutput, {
      protector: this.deps.protector,
      random: this.random,
    });
    this.pinSlots = [...this.pinSlots.filter((s) => s.type !== 'pin'), slot];
    this.dirty = true;
    if (this.currentState.pin.remaining !== this.currentState.pin.total) {
      await this.changeState({ ...this.currentState, pin: { ...this.currentState.pin, remaining: this.currentState.pin.total } });
    }
  }

  /**
   * A fresh content key (CEK) for the next version: a PIN reset (unblock, a temporary card's new
   * PIN) must not leave the new version readable under a key that older versions, their PIN
   * slots or a cardholder who saw them hold. The PIN slot is dropped (the caller sets the new PIN
   * next); the PUK slot is made again under the new CEK from the PUK the password area keeps. The
   * next `seal()` encrypts every area and the recovery slot under the new CEK; older versions keep
   * theirs and still open through their own recovery slot (and their own PIN slot).
   */
  async renewContentKey(): Promise<void> {
    const o = this.requireOpen('renewing the content key');
    const cek = this.random.bytes(CEK_LENGTH);
    const keepPuk = this.hasPukPath && o.password.puk !== undefined;
    const puk = keepPuk
      ? await makePinSlot('puk', this.header, cek, o.password.puk!, { protector: this.deps.protector, random: this.random, kdf: this.kdf })
      : undefined;
    wipe(o.cek);
    o.cek = cek;
    this.pinSlots = puk ? [puk] : [];
    this.dirty = true;
  }

  /** CHANGE REFERENCE DATA for the PIN: checks the old PIN (counted), then sets the new one. */
  async changePin(oldPin: string | Uint8Array, newPin: string | Uint8Array): Promise<void> {
    const next = toPadded(newPin);
    try {
      if (!isValidPadded(next)) throw new VscError(VscErrorCode.BadPin, 'a PIN is 6 to 8 printable ASCII characters');
      await this.verifyPin(oldPin);
      await this.setPin(next);
    } finally {
      wipe(next);
    }
  }

  /** Sets the PUK: a PUK slot (the unblock path) and the PUK kept in the password area. */
  async setPuk(puk: string | Uint8Array): Promise<void> {
    const o = this.requireOpen('setting the PUK');
    if (!this.header.kdf) throw new VscError(VscErrorCode.NoCardholderPath, 'set a PIN before the PUK');
    const padded = toPadded(puk, 'PUK');
    if (!isValidPadded(padded)) throw new VscError(VscErrorCode.BadPin, 'a PUK is 6 to 8 printable ASCII characters');
    const slot = await makePinSlot('puk', this.header, o.cek, padded, {
      protector: this.deps.protector,
      random: this.random,
      kdf: this.kdf,
    });
    this.pinSlots = [...this.pinSlots.filter((s) => s.type !== 'puk'), slot];
    wipe(o.password.puk);
    o.password = { ...o.password, puk: padded };
    this.dirty = true;
  }

  // ------------------------------------------------------------ objects

  /** Public objects, plus the private data objects while open (the seed's Fig. 3B / 3D). */
  listObjects(): VscObject[] {
    return [...this.publicObjects, ...(this.opened?.privateObjects ?? [])];
  }

  getObject(name: string): VscObject | undefined {
    return this.listObjects().find((o) => o.name === name);
  }

  /** The certificate of a key slot. */
  certificate(slot: number): Uint8Array | undefined {
    const c = this.publicObjects.find((o) => o.kind === 'certificate' && o.slot === slot);
    return c?.kind === 'certificate' ? c.der : undefined;
  }

  /** The public key object of a slot. */
  publicKey(slot: number): PublicKeyObject | undefined {
    const k = this.publicObjects.find((o) => o.kind === 'key' && o.slot === slot);
    return k?.kind === 'key' ? k : undefined;
  }

  /** True when this VSC holds the private key of `slot` (needs the VSC open). */
  hasPrivateKey(slot: number): boolean {
    return this.requireOpen('looking at private keys').privateKeys.some((k) => k.slot === slot);
  }

  private touch(): void {
    this.requireOpen('changing the VSC');
    this.dirty = true;
  }

  /** Writes (or replaces) a data object in the public or private area. */
  putData(input: DataObjectInput): DataObject {
    const o = this.requireOpen('writing an object');
    const obj: DataObject = {
      kind: 'data',
      name: input.name,
      area: input.area,
      value: Buffer.from(input.value),
      ...(input.mediaType !== undefined ? { mediaType: input.mediaType } : {}),
      ...(input.cardTag !== undefined ? { cardTag: input.cardTag } : {}),
    };
    checkObject(obj);
    const existing = this.getObject(obj.name);
    if (existing && existing.kind !== 'data')
      throw new VscError(VscErrorCode.ObjectExists, `"${obj.name}" is a ${existing.kind}, not a data object`);
    this.removeByName(obj.name);
    if (obj.area === 'public') this.publicObjects.push(obj);
    else o.privateObjects.push(obj);
    this.touch();
    return obj;
  }

  private removeByName(name: string): void {
    this.publicObjects = this.publicObjects.filter((x) => x.name !== name);
    if (this.opened) this.opened.privateObjects = this.opened.privateObjects.filter((x) => x.name !== name);
  }

  /** Deletes an object by name; deleting a key also deletes its private part. */
  deleteObject(name: string): void {
    const o = this.requireOpen('deleting an object');
    const obj = this.getObject(name);
    if (!obj) throw new VscError(VscErrorCode.ObjectNotFound, `no object named "${name}"`);
    this.removeByName(name);
    if (obj.kind === 'key') {
      const gone = o.privateKeys.filter((k) => k.slot === obj.slot);
      wipe(...gone.map((k) => k.pkcs8));
      o.privateKeys = o.privateKeys.filter((k) => k.slot !== obj.slot);
    }
    this.touch();
  }

  /** Stores a certificate, in a key slot (its public key must match the slot's key) or by name alone. */
  putCertificate(der: Uint8Array, opts: { slot?: number; name?: string } = {}): void {
    this.requireOpen('storing a certificate');
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(Buffer.from(der));
    } catch (e) {
      throw new VscError(VscErrorCode.InvalidObject, 'not a DER X.509 certificate', {}, { cause: e });
    }
    const slot = opts.slot;
    if (slot !== undefined) {
      if (!isPivKeySlot(slot)) throw new VscError(VscErrorCode.InvalidObject, `${slotName(slot)} is not a PIV key slot`);
      const key = this.publicKey(slot);
      if (key && !spkiOf(cert.publicKey).equals(Buffer.from(key.spki))) {
        throw new VscError(VscErrorCode.KeyMismatch, `the certificate's public key is not the key in slot ${slotName(slot)}`);
      }
      this.publicObjects = this.publicObjects.filter((x) => !(x.kind === 'certificate' && x.slot === slot));
    }
    const name = opts.name ?? (slot !== undefined ? slotCertName(slot) : undefined);
    if (!name) throw new VscError(VscErrorCode.InvalidObject, 'a certificate outside a slot needs a name');
    const existing = this.getObject(name);
    if (existing && existing.kind !== 'certificate') throw new VscError(VscErrorCode.ObjectExists, `"${name}" is a ${existing.kind}`);
    this.removeByName(name);
    const obj: VscObject = { kind: 'certificate', name, ...(slot !== undefined ? { slot } : {}), der: Buffer.from(cert.raw) };
    checkObject(obj);
    this.publicObjects.push(obj);
    this.touch();
  }

  /** Generates a key pair in a slot (node:crypto; RSA off the event loop). A certificate for another key is removed. */
  async generateKey(
    slot: number,
    algorithm: KeyAlgorithmId,
    opts: { escrow?: EscrowPolicy; pinPolicy?: number; touchPolicy?: number } = {},
  ): Promise<PublicKeyObject> {
    this.requireOpen('generating a key');
    if (!isPivKeySlot(slot)) throw new VscError(VscErrorCode.InvalidObject, `${slotName(slot)} is not a PIV key slot`);
    const { pkcs8, spki } = await generateKeyMaterial(algorithm);
    return this.storeKey(slot, algorithm, pkcs8, spki, 'generated', opts);
  }

  /** Imports a private key into a slot (e.g. a recovered key-management key). */
  importKey(slot: number, key: KeyObject, opts: { escrow?: EscrowPolicy; pinPolicy?: number; touchPolicy?: number } = {}): PublicKeyObject {
    this.requireOpen('importing a key');
    if (!isPivKeySlot(slot)) throw new VscError(VscErrorCode.InvalidObject, `${slotName(slot)} is not a PIV key slot`);
    if (key.type !== 'private') throw new VscError(VscErrorCode.InvalidObject, 'not a private key');
    const algorithm = pivAlgorithmOf(key);
    return this.storeKey(slot, algorithm, key.export({ format: 'der', type: 'pkcs8' }), spkiOf(key), 'imported', opts);
  }

  /** Stores only the public part of a slot's key (a copy from a card whose private key stays on it). */
  putPublicKey(
    slot: number,
    spki: Uint8Array,
    opts: { escrow?: EscrowPolicy; pinPolicy?: number; touchPolicy?: number } = {},
  ): PublicKeyObject {
    const o = this.requireOpen('storing a public key');
    if (o.privateKeys.some((k) => k.slot === slot))
      throw new VscError(VscErrorCode.ObjectExists, `slot ${slotName(slot)} holds a private key; delete it first`);
    let alg: KeyAlgorithmId;
    try {
      alg = pivAlgorithmOf(privateOrPublic(spki));
    } catch (e) {
      throw e instanceof VscError ? e : new VscError(VscErrorCode.InvalidObject, 'not a DER SubjectPublicKeyInfo', {}, { cause: e });
    }
    const obj: PublicKeyObject = {
      kind: 'key',
      name: slotKeyName(slot),
      slot,
      algorithm: alg,
      spki: Buffer.from(spki),
      escrow: opts.escrow ?? 'on-card',
      origin: 'copied',
      pinPolicy: opts.pinPolicy ?? 0,
      touchPolicy: opts.touchPolicy ?? 0,
    };
    checkObject(obj);
    this.replaceKeyObject(obj);
    return obj;
  }

  private replaceKeyObject(obj: PublicKeyObject): void {
    const existing = this.getObject(obj.name);
    if (existing && existing.kind !== 'key') throw new VscError(VscErrorCode.ObjectExists, `"${obj.name}" is a ${existing.kind}`);
    this.publicObjects = this.publicObjects.filter((x) => !(x.kind === 'key' && x.slot === obj.slot) && x.name !== obj.name);
    const cert = this.certificate(obj.slot);
    if (cert && !spkiOf(new X509Certificate(Buffer.from(cert)).publicKey).equals(Buffer.from(obj.spki))) {
      this.publicObjects = this.publicObjects.filter((x) => !(x.kind === 'certificate' && x.slot === obj.slot));
    }
    this.publicObjects.push(obj);
    this.touch();
  }

  private storeKey(
    slot: number,
    algorithm: KeyAlgorithmId,
    pkcs8: Buffer,
    spki: Buffer,
    origin: 'generated' | 'imported',
    opts: { escrow?: EscrowPolicy; pinPolicy?: number; touchPolicy?: number },
  ): PublicKeyObject {
    const o = this.requireOpen('storing a key');
    const obj: PublicKeyObject = {
      kind: 'key',
      name: slotKeyName(slot),
      slot,
      algorithm,
      spki,
      escrow: opts.escrow ?? 'escrow',
      origin,
      pinPolicy: opts.pinPolicy ?? 0,
      touchPolicy: opts.touchPolicy ?? 0,
    };
    checkObject(obj);
    this.replaceKeyObject(obj);
    wipe(...o.privateKeys.filter((k) => k.slot === slot).map((k) => k.pkcs8));
    o.privateKeys = [...o.privateKeys.filter((k) => k.slot !== slot), { slot, algorithm, pkcs8 }];
    return obj;
  }

  // ------------------------------------------------------------ using keys

  /** Runs `fn` with a slot's private key; the key object is only reachable inside. */
  withPrivateKey<T>(slot: number, fn: (key: KeyObject, algorithm: KeyAlgorithmId) => T): T {
    const o = this.requireOpen('using a private key');
    this.assertUsableForKeys();
    const rec = o.privateKeys.find((k) => k.slot === slot);
    if (!rec) throw new VscError(VscErrorCode.SlotEmpty, `slot ${slotName(slot)} holds no private key in ${this.label}`);
    return fn(privateKeyObject(rec.pkcs8), rec.algorithm);
  }

  private assertUsableForKeys(): void {
    // An officer may use keys of a disabled or expired VSC (recovering data); the cardholder may not.
    if (this.accessLevel !== 'recovery') this.assertUsable();
  }

  /** Signs `data` with a slot's key (RSA PKCS#1 v1.5 or ECDSA, DER). */
  sign(slot: number, data: Uint8Array, hash: 'sha256' | 'sha384' | 'sha512' = 'sha256'): Buffer {
    return this.withPrivateKey(slot, (key) => signWith(key, data, hash));
  }

  /** Decrypts with a slot's RSA key (OAEP-SHA-256, or the raw private operation). */
  decrypt(slot: number, ciphertext: Uint8Array, padding: 'oaep' | 'raw' = 'oaep'): Buffer {
    return this.withPrivateKey(slot, (key, alg) => {
      if (!isRsa(alg))
        throw new VscError(VscErrorCode.UnsupportedAlgorithm, `slot ${slotName(slot)} holds an EC key; use deriveSharedSecret`);
      return rsaDecrypt(key, ciphertext, padding);
    });
  }

  /** ECDH with a slot's EC key (the X coordinate of the shared point). */
  deriveSharedSecret(slot: number, peerPoint: Uint8Array): Buffer {
    return this.withPrivateKey(slot, (key, alg) => {
      if (isRsa(alg)) throw new VscError(VscErrorCode.UnsupportedAlgorithm, `slot ${slotName(slot)} holds an RSA key`);
      return ecdh(key, peerPoint);
    });
  }

  /**
   * A slot's private key for an authorised issuance (importing it into a card). Only through the
   * recovery path; the caller names the request that authorises it, for its audit record.
   */
  exportPrivateKeyForIssuance(slot: number, authorisation: { requestId: string }): KeyObject {
    if (this.accessLevel !== 'recovery')
      throw new VscError(VscErrorCode.NotOpen, 'private keys leave a VSC only through the recovery path, for an authorised issuance');
    if (!authorisation.requestId) throw new VscError(VscErrorCode.NotOpen, 'an issuance request id is required');
    return this.withPrivateKey(slot, (k) => k);
  }

  /** The password area's card credentials (PUK, management key) for issuance; recovery path only. */
  cardCredentials(): { puk?: Buffer; managementKey?: { algorithm: number; key: Buffer } } {
    if (this.accessLevel !== 'recovery')
      throw new VscError(VscErrorCode.NotOpen, 'card credentials are read through the recovery path only');
    const p = this.requireOpen('reading card credentials').password;
    return {
      ...(p.puk ? { puk: Buffer.from(p.puk) } : {}),
      ...(p.managementKey ? { managementKey: { algorithm: p.managementKey.algorithm, key: Buffer.from(p.managementKey.key) } } : {}),
    };
  }

  /** Stores the management key of the card this VSC twins (password area). */
  setCardManagementKey(algorithm: number, key: Uint8Array): void {
    const o = this.requireOpen('storing a management key');
    wipe(o.password.managementKey?.key);
    o.password = { ...o.password, managementKey: { algorithm, key: Buffer.from(key) } };
    this.touch();
  }

  /**
   * Stores the PUK of the card this VSC twins (password area) without opening a PUK path into the
   * VSC itself: an escrow copy sealed at issuance keeps it under the recovery path only.
   */
  setCardPuk(puk: string | Uint8Array): void {
    const o = this.requireOpen('storing a card PUK');
    const padded = toPadded(puk, 'PUK');
    if (!isValidPadded(padded)) {
      wipe(padded);
      throw new VscError(VscErrorCode.BadPin, 'a PUK is 6 to 8 printable ASCII characters');
    }
    wipe(o.password.puk);
    o.password = { ...o.password, puk: padded };
    this.touch();
  }

  // ------------------------------------------------------------ sealing

  /**
   * Seals the current content as a new version (version + 1, previous hash = the last version's
   * hash) and returns its bytes; returns the last version unchanged when nothing changed.
   */
  async seal(): Promise<Buffer> {
    if (!this.dirty && this.sealed) return this.sealed.bytes;
    const o = this.requireOpen('sealing a new version');
    const prev = this.sealed;
    const header: VscHeader = prev
      ? { ...this.header, hierarchy: { ...this.header.hierarchy, version: prev.header.hierarchy.version + 1, previousHash: prev.hash } }
      : { ...this.header, hierarchy: { ...this.header.hierarchy, version: 1 } };
    if (!header.hierarchy.previousHash) delete (header.hierarchy as { previousHash?: Uint8Array }).previousHash;
    const bytes = await sealContent(
      {
        content: { header, objects: [...this.publicObjects, ...o.privateObjects], privateKeys: o.privateKeys, password: o.password },
        cek: o.cek,
        pinSlots: this.pinSlots,
      },
      { protector: this.deps.protector, random: this.random },
    );
    const parsed = parseVscFile(bytes).content;
    this.sealed = parsed;
    this.header = parsed.header;
    this.publicObjects = [...parsed.objects];
    this.dirty = false;
    return bytes;
  }

  /**
   * The standalone file of the last sealed version with `state` (what a state sink writes: the
   * content stays as sealed, even while a change is under way). Undefined before the first seal.
   */
  async standaloneFileWithState(state: VscState): Promise<Buffer | undefined> {
    return this.sealed ? buildStandaloneFile(this.sealed, state, this.deps.protector) : undefined;
  }

  /** The standalone file: the sealed content (sealing changes first) and the authenticated state. */
  async toStandaloneFile(): Promise<Buffer> {
    if (this.dirty || !this.sealed) await this.seal();
    return buildStandaloneFile(this.sealed as ParsedContent, this.currentState, this.deps.protector);
  }
}

function privateOrPublic(spki: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
}

export interface VscCheckReport {
  readonly type: 'content' | 'standalone';
  readonly id: string;
  readonly label: string;
  readonly version: number;
  readonly contentHash: string;
  readonly bytes: number;
  readonly checks: readonly string[];
}
