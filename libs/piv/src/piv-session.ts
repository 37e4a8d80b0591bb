import { createHash, type KeyObject } from 'node:crypto';
import {
  ApduChannel,
  type ApduChannelOptions,
  type ByteTransport,
  CommandApdu,
  concatBytes,
  createApduChannel,
  encodeConstructed,
  encodeTlv,
  findTlv,
  parseAtr,
  parseTlv,
  parseTlvs,
  requireNested,
  ResponseApdu,
  StatusWordError,
  SW,
  tagBytes,
  tagHex,
  TlvError,
} from '@scm/apdu';
import { type ManagementKeyAuthenticator, checkManagementKey, managementBlockSize, sameCryptogram } from './management-key';
import {
  ALGORITHM_INFO,
  type AsymmetricAlgorithm,
  certObjectOf,
  INS,
  KEY_REF,
  OBJECT,
  PIN_POLICY,
  type PinPolicy,
  PIV_AID_SHORT,
  slotName,
  TOUCH_POLICY,
  type TouchPolicy,
  YUBICO_MGMT_AID,
} from './piv.constants';
import {
  CardNotAuthenticatedError,
  InvalidPinError,
  InvalidPukError,
  ManagementKeyRejectedError,
  NoKeyError,
  NotAuthorizedError,
  PinBlockedError,
  PivError,
  PivErrorCode,
  PukBlockedError,
} from './piv-errors';
import {
  decodePublicKey,
  encodeImportKey,
  type HashName,
  pkcs1v15SignatureBlock,
  type PivPublicKey,
  unpadPkcs1v15Encryption,
} from './piv-keys';
import {
  type Ccc,
  type CertificateObject,
  type Chuid,
  decodeCcc,
  decodeCertificateObject,
  decodeChuid,
  decodeDiscovery,
  decodeKeyHistory,
  decodePrintedInfo,
  type Discovery,
  encodeCertificateObject,
  encodeChuid,
  encodeKeyHistory,
  encodePrintedInfo,
  guidToUuid,
  type KeyHistory,
  type PrintedInfo,
} from './piv-objects.codec';

export interface PivSessionOptions extends Pick<ApduChannelOptions, 'trace' | 'maxGetResponse'> {
  /** The card's ATR: extended length is used when its capabilities announce it. */
  atr?: Uint8Array;
  /** Force extended length on or off (default: from the ATR, else off). */
  extendedLength?: boolean;
}

/** What the card says about itself. */
export interface PivIdentity {
  /** The CHUID GUID as a UUID string, when a CHUID is present. */
  guid?: string;
  /** FASC-N hex, when a CHUID is present. */
  fascn?: string;
  /** CHUID expiry YYYYMMDD. */
  expiry?: string;
  /** Yubico firmware version "5.4.3", when the card answers INS FD. */
  version?: string;
  /** Yubico serial number, when the card answers INS F8. */
  serial?: number;
}

export interface RetryStatus {
  /** Tries left (undefined when the card does not say). */
  retriesLeft?: number;
  /** Total tries (GET METADATA only). */
  retriesTotal?: number;
  /** The PIN is verified in this session (PIN only). */
  verified?: boolean;
  blocked: boolean;
}

/** GET METADATA of a slot or a PIN/PUK/management key (Yubico 5.3+). */
export interface PivMetadata {
  algorithm: number;
  pinPolicy?: PinPolicy;
  touchPolicy?: TouchPolicy;
  /** 1 generated on the card, 2 imported. */
  origin?: 'generated' | 'imported';
  publicKey?: PivPublicKey;
  /** Still the factory default (PIN, PUK, management key). */
  isDefault?: boolean;
  retriesTotal?: number;
  retriesLeft?: number;
}

export interface KeyPolicy {
  pinPolicy?: PinPolicy;
  touchPolicy?: TouchPolicy;
}

const UNSUPPORTED: readonly number[] = [
  SW.INS_NOT_SUPPORTED,
  SW.CLA_NOT_SUPPORTED,
  SW.FUNCTION_NOT_SUPPORTED,
  SW.WRONG_P1P2,
  SW.INCORRECT_P1P2,
];

function padPin(value: string, what: 'PIN' | 'PUK'): Uint8Array {
  const b = new TextEncoder().encode(value);
  if (b.length < 1 || b.length > 8) throw new PivError(PivErrorCode.BadPinFormat, `a ${what} has 1 to 8 bytes, got ${b.length}`);
  const out = new Uint8Array(8).fill(0xff);
  out.set(b);
  return out;
}

function retriesOf(sw: number): number | undefined {
  if (sw >> 8 !== 0x63) return undefined;
  const sw2 = sw & 0xff;
  // 63Cx per ISO; old YubiKey NEO firmware answered 630x.
  return (sw2 & 0xf0) === 0xc0 ? sw2 & 0x0f : sw2 <= 0x0f ? sw2 : undefined;
}

function policyTlvs(p: KeyPolicy): Uint8Array {
  const parts: Uint8Array[] = [];
  if (p.pinPolicy !== undefined && p.pinPolicy !== PIN_POLICY.DEFAULT) parts.push(encodeTlv(0xaa, Uint8Array.of(p.pinPolicy)));
  if (p.touchPolicy !== undefined && p.touchPolicy !== TOUCH_POLICY.DEFAULT) parts.push(encodeTlv(0xab, Uint8Array.of(p.touchPolicy)));
  return concatBytes(...parts);
}

function checkSlot(slot: number): void {
  certObjectOf(slot); // throws RangeError for non-slots
}

/**
 * A session with the PIV application of one card. `PivSession.open` selects the applet; every
 * method is one operation of SP 800-73-4 or of the Yubico extensions, with status words turned into
 * domain errors (InvalidPinError, NotAuthorizedError, NoKeyError, ...) and the rest into
 * StatusWordError. The session owns no key material: management-key cryptograms come from a
 * ManagementKeyAuthenticator.
 */
export class PivSession {
  private constructor(
    readonly channel: ApduChannel,
    /** The application property template the card returned to SELECT (may be empty). */
    readonly applicationTemplate: Uint8Array,
  ) {}

  /** Selects the PIV applet on this transport; a card without PIV is a PivError(NotPiv). */
  static async open(transport: ByteTransport | ApduChannel, opts: PivSessionOptions = {}): Promise<PivSession> {
    let extended = opts.extendedLength;
    if (extended === undefined && opts.atr) {
      try {
        extended = parseAtr(opts.atr).extendedLength;
      } catch {
        extended = false;
      }
    }
    const channel =
      transport instanceof ApduChannel
        ? transport
        : createApduChannel(transport, {
            trace: opts.trace,
            maxGetResponse: opts.maxGetResponse,
            extendedLength: extended ?? false,
            maxExtendedNc: 3062,
          });
    const apt = await PivSession.select(channel);
    return new PivSession(channel, apt);
  }

  private static async select(channel: ApduChannel): Promise<Uint8Array> {
    const r = await channel.send(CommandApdu.of(0x00, INS.SELECT, 0x04, 0x00, PIV_AID_SHORT, 256));
    if (r.sw === SW.FILE_NOT_FOUND || UNSUPPORTED.includes(r.sw))
      throw new PivError(PivErrorCode.NotPiv, `the card has no PIV application (${new StatusWordError(r.sw).message})`, { sw: r.sw });
    r.expect([SW.OK], 'SELECT PIV');
    if (r.length > 0) {
      try {
        const apt = parseTlv(r.data);
        if (apt.tag !== 0x61) throw new TlvError(`tag ${tagHex(apt.tag)} instead of 61`);
      } catch (e) {
        throw new PivError(PivErrorCode.NotPiv, `the card's answer to SELECT PIV is not an application template: ${(e as Error).message}`);
      }
    }
    return r.data;
  }

  /** Selects PIV again (the card keeps its security state, as a YubiKey does). */
  async reselect(): Promise<void> {
    await PivSession.select(this.channel);
  }

  /** Drops the PIV security state the way ykpiv does: select the Yubico management AID, then PIV again. */
  async deauthenticate(): Promise<void> {
    await this.channel.send(CommandApdu.of(0x00, INS.SELECT, 0x04, 0x00, YUBICO_MGMT_AID, 256));
    await this.reselect();
  }

  // ---------- plumbing ----------

  private async send(cmd: CommandApdu): Promise<ResponseApdu> {
    return this.channel.send(cmd);
  }

  /** Sends and accepts 9000; other statuses become domain errors where they mean one (see throwFor). */
  private async call(cmd: CommandApdu, what: string, slot?: number): Promise<ResponseApdu> {
    const r = await this.send(cmd);
    if (r.sw !== SW.OK) this.throwFor(r.sw, what, slot);
    return r;
  }

  private parseOrBad<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof PivError) throw e;
      throw new PivError(PivErrorCode.BadObject, `${what}: malformed answer from the card: ${(e as Error).message}`, {}, { cause: e });
    }
  }

  // ---------- identity ----------

  /** Yubico firmware version (INS FD), or undefined when the card does not have it. */
  async version(): Promise<string | undefined> {
    const r = await this.send(CommandApdu.of(0x00, INS.VERSION, 0x00, 0x00, undefined, 256));
    if (r.sw !== SW.OK || r.length !== 3) return undefined;
    const d = r.data;
    return `${d[0]}.${d[1]}.${d[2]}`;
  }

  /** Yubico serial (INS F8), or undefined when the card does not have it. */
  async serial(): Promise<number | undefined> {
    const r = await this.send(CommandApdu.of(0x00, INS.SERIAL, 0x00, 0x00, undefined, 256));
    if (r.sw !== SW.OK || r.length !== 4) return undefined;
    return Buffer.from(r.data).readUInt32BE(0);
  }

  /** CHUID GUID and FASC-N, Yubico version and serial: whatever the card has. */
  async identity(): Promise<PivIdentity> {
    const out: PivIdentity = {};
    const chuid = await this.readChuid().catch((e: unknown) => {
      if (e instanceof PivError && e.code === PivErrorCode.BadObject) return undefined;
      throw e;
    });
    if (chuid) {
      out.guid = guidToUuid(chuid.guid);
      out.fascn = Buffer.from(chuid.fascn).toString('hex').toUpperCase();
      out.expiry = chuid.expiry;
    }
    out.version = await this.version();
    if (out.version === undefined || Number(out.version.split('.')[0]) >= 5) out.serial = await this.serial();
    return out;
  }

  // ---------- PIN and PUK ----------

  private pinError(sw: number, what: 'PIN' | 'PUK', context: string): Error {
    const n = retriesOf(sw);
    if (sw === SW.AUTH_METHOD_BLOCKED || n === 0) return what === 'PIN' ? new PinBlockedError() : new PukBlockedError();
    if (n !== undefined) return what === 'PIN' ? new InvalidPinError(n) : new InvalidPukError(n);
    if (sw === SW.WRONG_LENGTH || sw === SW.WRONG_DATA)
      return new PivError(PivErrorCode.BadPinFormat, `${context}: the card refused the ${what} format`, { sw });
    return new StatusWordError(sw, [SW.OK], context);
  }

  /** VERIFY the PIN; InvalidPinError(retriesLeft) or PinBlockedError when refused. */
  async verifyPin(pin: string): Promise<void> {
    const r = await this.send(CommandApdu.of(0x00, INS.VERIFY, 0x00, KEY_REF.PIN, padPin(pin, 'PIN')));
    if (r.sw !== SW.OK) throw this.pinError(r.sw, 'PIN', 'VERIFY PIN');
  }

  /** PIN state without spending a try (VERIFY with no data). */
  async pinStatus(): Promise<RetryStatus> {
    const r = await this.send(CommandApdu.of(0x00, INS.VERIFY, 0x00, KEY_REF.PIN));
    if (r.sw === SW.OK) return { verified: true, blocked: false };
    if (r.sw === SW.AUTH_METHOD_BLOCKED) return { verified: false, retriesLeft: 0, blocked: true };
    const n = retriesOf(r.sw);
    if (n !== undefined) return { verified: false, retriesLeft: n, blocked: n === 0 };
    // Cards without the status form of VERIFY: ask GET METADATA instead.
    const m = await this.tryMetadata(KEY_REF.PIN);
    if (m) return { verified: false, retriesLeft: m.retriesLeft, retriesTotal: m.retriesTotal, blocked: m.retriesLeft === 0 };
    throw new StatusWordError(r.sw, [SW.OK], 'VERIFY PIN (status)');
  }

  /** PUK tries left without spending one: GET METADATA 81, else VERIFY 81 with no data; undefined if the card says neither. */
  async pukStatus(): Promise<RetryStatus | undefined> {
    const m = await this.tryMetadata(KEY_REF.PUK);
    if (m) return { retriesLeft: m.retriesLeft, retriesTotal: m.retriesTotal, blocked: m.retriesLeft === 0 };
    const r = await this.send(CommandApdu.of(0x00, INS.VERIFY, 0x00, KEY_REF.PUK));
    if (r.sw === SW.AUTH_METHOD_BLOCKED) return { retriesLeft: 0, blocked: true };
    const n = retriesOf(r.sw);
    return n !== undefined ? { retriesLeft: n, blocked: n === 0 } : undefined;
  }

  /** CHANGE REFERENCE DATA for the PIN. */
  async changePin(oldPin: string, newPin: string): Promise<void> {
    const r = await this.send(
      CommandApdu.of(0x00, INS.CHANGE_REFERENCE, 0x00, KEY_REF.PIN, concatBytes(padPin(oldPin, 'PIN'), padPin(newPin, 'PIN'))),
    );
    if (r.sw !== SW.OK) throw this.pinError(r.sw, 'PIN', 'CHANGE PIN');
  }

  /** CHANGE REFERENCE DATA for the PUK. */
  async changePuk(oldPuk: string, newPuk: string): Promise<void> {
    const r = await this.send(
      CommandApdu.of(0x00, INS.CHANGE_REFERENCE, 0x00, KEY_REF.PUK, concatBytes(padPin(oldPuk, 'PUK'), padPin(newPuk, 'PUK'))),
    );
    if (r.sw !== SW.OK) throw this.pinError(r.sw, 'PUK', 'CHANGE PUK');
  }

  /** RESET RETRY COUNTER: sets a new PIN with the PUK (and unblocks it). */
  async unblockPin(puk: string, newPin: string): Promise<void> {
    const r = await this.send(
      CommandApdu.of(0x00, INS.RESET_RETRY, 0x00, KEY_REF.PIN, concatBytes(padPin(puk, 'PUK'), padPin(newPin, 'PIN'))),
    );
    if (r.sw !== SW.OK) throw this.pinError(r.sw, 'PUK', 'RESET RETRY COUNTER');
  }

  // ---------- management key ----------

  /**
   * Mutual authentication with the management key (9B): the card proves it holds the key and so do
   * we. The cryptograms come from `auth`, so the key can stay in an HSM.
   */
  async authenticate(auth: ManagementKeyAuthenticator): Promise<void> {
    const alg = auth.algorithm;
    const block = managementBlockSize(alg);
    const step1 = await this.send(
      CommandApdu.of(0x00, INS.GENERAL_AUTHENTICATE, alg, KEY_REF.MANAGEMENT, encodeConstructed(0x7c, encodeTlv(0x80)), 256),
    );
    if (step1.sw === SW.WRONG_DATA || step1.sw === SW.INCORRECT_P1P2 || step1.sw === SW.REFERENCE_NOT_FOUND)
      throw new ManagementKeyRejectedError({ reason: 'algorithm', algorithm: ALGORITHM_INFO[alg].name, sw: step1.sw });
    step1.expect([SW.OK], 'GENERAL AUTHENTICATE 9B (witness)');
    const encWitness = this.parseOrBad('management-key witness', () => requireNested(step1.data, 0x7c, 0x80));
    if (encWitness.length !== block) throw new PivError(PivErrorCode.CardError, `witness of ${encWitness.length} bytes, expected ${block}`);
    const { witness, challenge, expected } = await auth.respond(encWitness);
    const step2 = await this.send(
      CommandApdu.of(
        0x00,
        INS.GENERAL_AUTHENTICATE,
        alg,
        KEY_REF.MANAGEMENT,
        encodeConstructed(0x7c, encodeTlv(0x80, witness), encodeTlv(0x81, challenge)),
        256,
      ),
    );
    if (step2.sw === SW.SECURITY_STATUS_NOT_SATISFIED || step2.sw === SW.WRONG_DATA)
      throw new ManagementKeyRejectedError({ reason: 'witness', sw: step2.sw });
    step2.expect([SW.OK], 'GENERAL AUTHENTICATE 9B (response)');
    const response = this.parseOrBad('management-key response', () => requireNested(step2.data, 0x7c, 0x82));
    if (auth.confirm) await auth.confirm(response);
    else if (!expected || !sameCryptogram(response, expected)) throw new CardNotAuthenticatedError();
  }

  /** SET MANAGEMENT KEY (Yubico INS FF); needs the current management key. */
  async setManagementKey(key: Uint8Array, algorithm: number, opts: { requireTouch?: boolean } = {}): Promise<void> {
    const alg = checkManagementKey(key, algorithm);
    const data = concatBytes(Uint8Array.of(alg, KEY_REF.MANAGEMENT, key.length), key);
    await this.call(CommandApdu.of(0x00, INS.SET_MGMT_KEY, 0xff, opts.requireTouch ? 0xfe : 0xff, data), 'SET MANAGEMENT KEY');
  }

  // ---------- data objects ----------

  /** GET DATA: the content of an object (inside 53), or undefined when the card has none. */
  async getObject(tag: number): Promise<Uint8Array | undefined> {
    const what = `GET DATA ${tagHex(tag)}`;
    const r = await this.send(CommandApdu.of(0x00, INS.GET_DATA, 0x3f, 0xff, encodeTlv(0x5c, tagBytes(tag)), 256));
    if (r.sw === SW.FILE_NOT_FOUND) return undefined;
    if (r.sw !== SW.OK) this.throwFor(r.sw, what);
    const outer = tag === OBJECT.DISCOVERY ? 0x7e : tag === OBJECT.BITGT ? 0x7f61 : 0x53;
    return this.parseOrBad(what, () => {
      const t = parseTlv(r.data);
      if (t.tag !== outer) throw new TlvError(`tag ${tagHex(t.tag)} instead of ${tagHex(outer)}`, 0);
      return t.value;
    });
  }

  /** 6982 NotAuthorizedError, 6A88 NoKeyError (with a slot), 6D00/6E00 NotSupported, 6A84 out of memory, else StatusWordError. */
  private throwFor(sw: number, what: string, slot?: number): never {
    const cause = new StatusWordError(sw, [SW.OK], what);
    if (sw === SW.SECURITY_STATUS_NOT_SATISFIED) throw new NotAuthorizedError(what, { cause });
    if (sw === SW.REFERENCE_NOT_FOUND && slot !== undefined) throw new NoKeyError(slot, { cause });
    if (sw === SW.INS_NOT_SUPPORTED || sw === SW.CLA_NOT_SUPPORTED)
      throw new PivError(PivErrorCode.NotSupported, `${what}: not supported by this card`, { sw }, { cause });
    if (sw === SW.NOT_ENOUGH_MEMORY) throw new PivError(PivErrorCode.CardError, `${what}: the card is out of memory`, { sw }, { cause });
    throw cause;
  }

  /** PUT DATA: writes an object's content (wrapped in 53); undefined deletes it. Needs the management key. */
  async putObject(tag: number, content: Uint8Array | undefined): Promise<void> {
    const what = `PUT DATA ${tagHex(tag)}`;
    const data =
      tag === OBJECT.DISCOVERY
        ? encodeTlv(0x7e, content ?? new Uint8Array(0))
        : concatBytes(encodeTlv(0x5c, tagBytes(tag)), encodeTlv(0x53, content ?? new Uint8Array(0)));
    const r = await this.send(CommandApdu.of(0x00, INS.PUT_DATA, 0x3f, 0xff, data));
    if (r.sw !== SW.OK) this.throwFor(r.sw, what);
  }

  async readChuid(): Promise<Chuid | undefined> {
    const c = await this.getObject(OBJECT.CHUID);
    return c && decodeChuid(c);
  }

  async writeChuid(chuid: Partial<Chuid> & { guid: Uint8Array }): Promise<void> {
    await this.putObject(OBJECT.CHUID, encodeChuid(chuid));
  }

  async readCcc(): Promise<Ccc | undefined> {
    const c = await this.getObject(OBJECT.CCC);
    return c && decodeCcc(c);
  }

  /** Writes a CCC given as its encoded content (see encodeCcc). */
  async writeCcc(content: Uint8Array): Promise<void> {
    await this.putObject(OBJECT.CCC, content);
  }

  async readKeyHistory(): Promise<KeyHistory | undefined> {
    const c = await this.getObject(OBJECT.KEY_HISTORY);
    return c && decodeKeyHistory(c);
  }

  async writeKeyHistory(k: KeyHistory): Promise<void> {
    await this.putObject(OBJECT.KEY_HISTORY, encodeKeyHistory(k));
  }

  /** Printed Information; reading it needs the PIN. */
  async readPrintedInfo(): Promise<PrintedInfo | undefined> {
    const c = await this.getObject(OBJECT.PRINTED);
    return c && decodePrintedInfo(c);
  }

  async writePrintedInfo(p: PrintedInfo): Promise<void> {
    await this.putObject(OBJECT.PRINTED, encodePrintedInfo(p));
  }

  async readDiscovery(): Promise<Discovery | undefined> {
    const c = await this.getObject(OBJECT.DISCOVERY);
    return c && decodeDiscovery(c);
  }

  /** Writes Discovery given as the value inside 7E (see encodeDiscovery, whose output includes 7E). */
  async writeDiscovery(content: Uint8Array): Promise<void> {
    await this.putObject(OBJECT.DISCOVERY, content);
  }

  /** The certificate of a slot (inflated if stored compressed), or undefined. */
  async readCertificate(slot: number): Promise<CertificateObject | undefined> {
    const c = await this.getObject(certObjectOf(slot));
    return c && decodeCertificateObject(c);
  }

  /** Stores a DER certificate in a slot's object (optionally gzip-compressed). */
  async writeCertificate(slot: number, der: Uint8Array, opts: { compress?: boolean } = {}): Promise<void> {
    await this.putObject(certObjectOf(slot), encodeCertificateObject(der, opts));
  }

  async deleteCertificate(slot: number): Promise<void> {
    await this.putObject(certObjectOf(slot), undefined);
  }

  // ---------- keys ----------

  /** GENERATE ASYMMETRIC KEY PAIR in a slot; returns the public key. Needs the management key. */
  async generateKey(slot: number, algorithm: AsymmetricAlgorithm, policy: KeyPolicy = {}): Promise<PivPublicKey> {
    checkSlot(slot);
    const what = `GENERATE ${ALGORITHM_INFO[algorithm]?.name ?? algorithm} in ${slotName(slot)}`;
    const data = encodeConstructed(0xac, encodeTlv(0x80, Uint8Array.of(algorithm)), policyTlvs(policy));
    const r = await this.call(CommandApdu.of(0x00, INS.GENERATE_KEY, 0x00, slot, data, 256), what, slot);
    return this.parseOrBad(what, () => decodePublicKey(algorithm, requireNested(r.data, 0x7f49)));
  }

  /** IMPORT ASYMMETRIC KEY (Yubico INS FE): RSA-1024..4096 (e = 65537), P-256, P-384. Needs the management key. */
  async importKey(slot: number, privateKey: KeyObject, policy: KeyPolicy = {}): Promise<AsymmetricAlgorithm> {
    checkSlot(slot);
    const { algorithm, data } = encodeImportKey(privateKey);
    const what = `IMPORT ${ALGORITHM_INFO[algorithm].name} into ${slotName(slot)}`;
    await this.call(CommandApdu.of(0x00, INS.IMPORT_KEY, algorithm, slot, concatBytes(data, policyTlvs(policy))), what, slot);
    return algorithm;
  }

  /** GENERAL AUTHENTICATE with a key slot: the raw private-key operation on `input`. */
  async generalAuthenticate(
    slot: number,
    algorithm: AsymmetricAlgorithm,
    input: Uint8Array,
    inputTag: 0x81 | 0x85 = 0x81,
  ): Promise<Uint8Array> {
    checkSlot(slot);
    const what = `GENERAL AUTHENTICATE ${slotName(slot)}`;
    const data = encodeConstructed(0x7c, encodeTlv(0x82), encodeTlv(inputTag, input));
    const r = await this.call(CommandApdu.of(0x00, INS.GENERAL_AUTHENTICATE, algorithm, slot, data, 256), what, slot);
    return this.parseOrBad(what, () => requireNested(r.data, 0x7c, 0x82));
  }

  /**
   * Signs `message` with a slot: RSA with PKCS#1 v1.5 padding built here, ECDSA on the hash
   * (DER signature). The PIN must be verified first unless the key's policy says never.
   */
  async sign(slot: number, algorithm: AsymmetricAlgorithm, message: Uint8Array, hash: HashName = 'sha256'): Promise<Uint8Array> {
    return this.signDigest(slot, algorithm, new Uint8Array(createHash(hash).update(message).digest()), hash);
  }

  /** Signs a digest already computed with `hash`. */
  async signDigest(slot: number, algorithm: AsymmetricAlgorithm, digest: Uint8Array, hash: HashName = 'sha256'): Promise<Uint8Array> {
    const info = ALGORITHM_INFO[algorithm];
    if (!info || info.kind === 'sym') throw new PivError(PivErrorCode.InvalidArgument, `0x${algorithm.toString(16)} cannot sign`);
    if (info.kind === 'rsa') return this.generalAuthenticate(slot, algorithm, pkcs1v15SignatureBlock(digest, hash, info.bytes));
    // ECDSA uses the leftmost field-size bytes of a longer hash (FIPS 186-4).
    return this.generalAuthenticate(slot, algorithm, digest.length > info.bytes ? digest.subarray(0, info.bytes) : digest);
  }

  /** RSA decryption with a slot: the raw block (still padded). */
  async decryptRaw(slot: number, algorithm: AsymmetricAlgorithm, ciphertext: Uint8Array): Promise<Uint8Array> {
    const info = ALGORITHM_INFO[algorithm];
    if (info?.kind !== 'rsa') throw new PivError(PivErrorCode.InvalidArgument, 'decryption needs an RSA slot; use ecdh for EC');
    if (ciphertext.length !== info.bytes)
      throw new PivError(PivErrorCode.InvalidArgument, `${info.name} ciphertext has ${info.bytes} bytes`);
    return this.generalAuthenticate(slot, algorithm, ciphertext);
  }

  /** RSA PKCS#1 v1.5 decryption with a slot: the message. */
  async decrypt(slot: number, algorithm: AsymmetricAlgorithm, ciphertext: Uint8Array): Promise<Uint8Array> {
    return unpadPkcs1v15Encryption(await this.decryptRaw(slot, algorithm, ciphertext));
  }

  /** ECDH with a slot's key and a peer public key: the shared secret (X). */
  async ecdh(slot: number, algorithm: AsymmetricAlgorithm, peer: KeyObject): Promise<Uint8Array> {
    const info = ALGORITHM_INFO[algorithm];
    if (info?.kind !== 'ec') throw new PivError(PivErrorCode.InvalidArgument, 'ECDH needs an EC slot');
    const jwk = peer.export({ format: 'jwk' });
    const point = concatBytes(Uint8Array.of(0x04), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url'));
    if (point.length !== 1 + 2 * info.bytes) throw new PivError(PivErrorCode.InvalidArgument, `peer key is not on ${info.name}`);
    return this.generalAuthenticate(slot, algorithm, point, 0x85);
  }

  /** Yubico attestation certificate of a slot's key (INS F9), DER. */
  async attest(slot: number): Promise<Uint8Array> {
    checkSlot(slot);
    return (await this.call(CommandApdu.of(0x00, INS.ATTEST, slot, 0x00, undefined, 256), `ATTEST ${slotName(slot)}`, slot)).data;
  }

  // ---------- metadata and Yubico management ----------

  /** GET METADATA (Yubico 5.3+) of a slot, 80, 81 or 9B; NoKeyError for an empty slot, NotSupported for older cards. */
  async getMetadata(ref: number): Promise<PivMetadata> {
    const what = `GET METADATA ${slotName(ref)}`;
    const r = await this.send(CommandApdu.of(0x00, INS.GET_METADATA, 0x00, ref, undefined, 256));
    if (UNSUPPORTED.includes(r.sw) && r.sw !== SW.INCORRECT_P1P2)
      throw new PivError(PivErrorCode.NotSupported, `${what}: not supported by this card`, { sw: r.sw });
    if (r.sw === SW.REFERENCE_NOT_FOUND || r.sw === SW.FILE_NOT_FOUND) throw new NoKeyError(ref, { cause: new StatusWordError(r.sw) });
    if (r.sw !== SW.OK) this.throwFor(r.sw, what, ref);
    return this.parseOrBad(what, () => {
      const list = parseTlvs(r.data);
      const alg = findTlv(list, 0x01)?.value[0];
      if (alg === undefined) throw new TlvError('no algorithm (tag 01)');
      const out: PivMetadata = { algorithm: alg };
      const pol = findTlv(list, 0x02)?.value;
      if (pol && pol.length >= 2) {
        out.pinPolicy = pol[0] as PinPolicy;
        out.touchPolicy = pol[1] as TouchPolicy;
      }
      const origin = findTlv(list, 0x03)?.value[0];
      if (origin !== undefined) out.origin = origin === 1 ? 'generated' : 'imported';
      const pub = findTlv(list, 0x04)?.value;
      const info = ALGORITHM_INFO[alg];
      if (pub && info && info.kind !== 'sym') out.publicKey = decodePublicKey(alg as AsymmetricAlgorithm, pub);
      const def = findTlv(list, 0x05)?.value[0];
      if (def !== undefined) out.isDefault = def === 1;
      const tries = findTlv(list, 0x06)?.value;
      if (tries && tries.length >= 2) {
        out.retriesTotal = tries[0];
        out.retriesLeft = tries[1];
      }
      return out;
    });
  }

  /** GET METADATA, or undefined when the card lacks it or the slot is empty. */
  async tryMetadata(ref: number): Promise<PivMetadata | undefined> {
    try {
      return await this.getMetadata(ref);
    } catch (e) {
      if (e instanceof PivError && (e.code === PivErrorCode.NotSupported || e.code === PivErrorCode.NoKey)) return undefined;
      throw e;
    }
  }

  /** Yubico SET PIN RETRIES (INS FA): needs the management key and the PIN; resets PIN and PUK to defaults. */
  async setPinRetries(pinTries: number, pukTries: number): Promise<void> {
    await this.call(CommandApdu.of(0x00, INS.SET_PIN_RETRIES, pinTries, pukTries), 'SET PIN RETRIES');
  }

  /** Yubico RESET (INS FB): only once PIN and PUK are both blocked; back to factory defaults. */
  async resetApplet(): Promise<void> {
    const r = await this.send(CommandApdu.of(0x00, INS.RESET, 0x00, 0x00));
    if (r.sw === SW.CONDITIONS_NOT_SATISFIED)
      throw new PivError(PivErrorCode.CardError, 'RESET: the card resets only when both PIN and PUK are blocked', { sw: r.sw });
    if (r.sw !== SW.OK) this.throwFor(r.sw, 'RESET');
  }
}
