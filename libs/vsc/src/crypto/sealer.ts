import { createCipheriv, createDecipheriv, createPublicKey, createPrivateKey, hkdfSync } from 'node:crypto';
import { VscError, VscErrorCode, formatError } from '../vsc-errors';
import { concat, ctEqual, uuidBytes, wipe } from '../format/bytes';
import {
  Tag,
  decodeObjects,
  decodePassword,
  decodePrivateKeys,
  encodeHeader,
  encodeKdf,
  encodeObjects,
  encodePassword,
  encodePrivateKeys,
} from '../format/content.codec';
import {
  AREA_TAGS,
  AREA_TITLES,
  CEK_LENGTH,
  GCM_TAG_LENGTH,
  MAC_LENGTH,
  NONCE_LENGTH,
  SALT_LENGTH,
  SLOT_TYPES,
  encodeSealedArea,
  encodeSlots,
  encodeState,
  preamble,
  type EncryptedAreaName,
  type KeySlotRecord,
  type KeySlotType,
  type ParsedContent,
  type ParsedVscFile,
} from '../format/file.codec';
import { tlv, tlvOf, utf8 } from '../format/tlv';
import {
  PREAMBLE_LENGTH,
  VscFileType,
  slotName,
  type DataObject,
  type KdfParams,
  type PasswordArea,
  type PrivateKeyRecord,
  type VscHeader,
  type VscObject,
  type VscPlainContent,
  type VscState,
} from '../format/vsc-model';
import type { PinKdf } from './pin-kdf';
import type { RandomSource } from './random';
import type { VscKeyProtector } from './vsc-key-protector.port';

export interface SealDeps {
  readonly protector: VscKeyProtector;
  readonly random: RandomSource;
}

const SLOT_AAD_PREFIX = Buffer.from('SCM-VSC/1 slot\0', 'latin1');
const AREA_INFO = 'SCM-VSC/1 area ';

function keysTlv(h: VscHeader): Buffer {
  const k = h.keys;
  const ref = (lt: number, vt: number, r: { label: string; version: number }): Buffer => {
    const v = Buffer.alloc(4);
    v.writeUInt32BE(r.version);
    return concat(tlv(lt, utf8(r.label)), tlv(vt, v));
  };
  return tlvOf(0x86, ref(0x80, 0x81, k.kek), ref(0x82, 0x83, k.recovery));
}

/**
 * Associated data of a key slot: its type, the VSC id and the HSM keys, and for PIN/PUK slots the
 * KDF parameters and salt. Stable across versions, so a slot survives changes it does not concern.
 */
export function slotAad(type: KeySlotType, h: VscHeader, salt?: Uint8Array): Buffer {
  const parts: Uint8Array[] = [SLOT_AAD_PREFIX, Buffer.of(SLOT_TYPES[type]), uuidBytes(h.id), keysTlv(h)];
  if (type !== 'recovery') {
    if (!h.kdf || !salt) throw new RangeError('PIN and PUK slots need KDF parameters and a salt');
    parts.push(encodeKdf(h.kdf), salt);
  }
  return concat(...parts);
}

/** The AES-256 key of one area: HKDF-SHA-256 of the CEK, salted with the VSC id. */
export function areaKey(cek: Uint8Array, id: string, area: EncryptedAreaName): Buffer {
  return Buffer.from(hkdfSync('sha256', cek, uuidBytes(id), Buffer.from(AREA_INFO + area, 'latin1'), 32));
}

function gcmEncrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plain: Uint8Array): Buffer {
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  return concat(c.update(plain), c.final(), c.getAuthTag());
}

function gcmDecrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  try {
    const d = createDecipheriv('aes-256-gcm', key, nonce);
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_LENGTH));
    return concat(d.update(sealed.subarray(0, sealed.length - GCM_TAG_LENGTH)), d.final());
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- key slots

/**
 * What the KEK derives a PIN or PUK slot's wrapping key under, besides the Argon2id output: the
 * slot type and the VSC id (`type ‖ id`), so a derivation serves one slot of one VSC only.
 */
export function cardholderKeyContext(type: 'pin' | 'puk', vscId: string): Buffer {
  return concat(Buffer.of(SLOT_TYPES[type]), uuidBytes(vscId));
}

/** The derivation context of a VSC's PIN slot: what a remote cardholder path may ask the KEK for, and nothing else. */
export function pinSlotContext(vscId: string): Buffer {
  return cardholderKeyContext('pin', vscId);
}

/** The wrapping key of a PIN or PUK slot: Argon2id of the padded secret, then HMAC under the KEK in the HSM. */
async function pinWrappingKey(
  type: 'pin' | 'puk',
  h: VscHeader,
  salt: Uint8Array,
  secret: Uint8Array,
  protector: VscKeyProtector,
  kdf: PinKdf,
): Promise<Buffer> {
  const params = h.kdf as KdfParams;
  const stretched = await kdf(secret, salt, params);
  try {
    return await protector.deriveCardholderKey(h.keys.kek, stretched, cardholderKeyContext(type, h.id));
  } finally {
    wipe(stretched);
  }
}

/** Makes a PIN or PUK slot wrapping `cek` under the key derived from `secret` (the 8-byte padded PIN/PUK). */
export async function makePinSlot(
  type: 'pin' | 'puk',
  h: VscHeader,
  cek: Uint8Array,
  secret: Uint8Array,
  deps: SealDeps & { kdf: PinKdf },
): Promise<KeySlotRecord> {
  const salt = deps.random.bytes(SALT_LENGTH);
  const nonce = deps.random.bytes(NONCE_LENGTH);
  const kw = await pinWrappingKey(type, h, salt, secret, deps.protector, deps.kdf);
  try {
    return { type, salt, nonce, wrapped: gcmEncrypt(kw, nonce, slotAad(type, h, salt), cek) };
  } finally {
    wipe(kw);
  }
}

/** The CEK from a PIN or PUK slot, or `undefined` for a wrong secret. HSM failures propagate. */
export async function openPinSlot(
  slot: KeySlotRecord,
  h: VscHeader,
  secret: Uint8Array,
  protector: VscKeyProtector,
  kdf: PinKdf,
): Promise<Buffer | undefined> {
  if (slot.type === 'recovery' || !slot.salt) throw new RangeError('not a PIN or PUK slot');
  const kw = await pinWrappingKey(slot.type, h, slot.salt, secret, protector, kdf);
  try {
    return gcmDecrypt(kw, slot.nonce, slotAad(slot.type, h, slot.salt), slot.wrapped);
  } finally {
    wipe(kw);
  }
}

/**
 * Makes a PIN slot from an Argon2id output computed elsewhere (the cardholder's host, with `salt`
 * and the header's KDF parameters): only the KEK HMAC runs here, so the PIN never reaches this process.
 */
export async function makePinSlotFromKdfOutput(
  h: VscHeader,
  cek: Uint8Array,
  salt: Uint8Array,
  kdfOutput: Uint8Array,
  deps: SealDeps,
): Promise<KeySlotRecord> {
  if (salt.length !== SALT_LENGTH || kdfOutput.length !== 32)
    throw new RangeError('a PIN slot takes a 16-byte salt and a 32-byte KDF output');
  const nonce = deps.random.bytes(NONCE_LENGTH);
  const kw = await deps.protector.deriveCardholderKey(h.keys.kek, kdfOutput, pinSlotContext(h.id));
  try {
    return { type: 'pin', salt: Buffer.from(salt), nonce, wrapped: gcmEncrypt(kw, nonce, slotAad('pin', h, salt), cek) };
  } finally {
    wipe(kw);
  }
}

/** The CEK a PIN or PUK slot holds under an already derived wrapping key, or `undefined` when the key is wrong. */
export function unwrapPinSlot(slot: KeySlotRecord, h: VscHeader, wrappingKey: Uint8Array): Buffer | undefined {
  if (slot.type === 'recovery' || !slot.salt) throw new RangeError('not a PIN or PUK slot');
  return gcmDecrypt(wrappingKey, slot.nonce, slotAad(slot.type, h, slot.salt), slot.wrapped);
}

/** Wraps the CEK under the HSM's recovery key. */
export async function makeRecoverySlot(h: VscHeader, cek: Uint8Array, deps: SealDeps): Promise<KeySlotRecord> {
  const { nonce, wrapped } = await deps.protector.wrapForRecovery(h.keys.recovery, cek, slotAad('recovery', h));
  if (nonce.length !== NONCE_LENGTH || wrapped.length !== CEK_LENGTH + GCM_TAG_LENGTH)
    throw new RangeError('the protector returned a malformed recovery wrap');
  return { type: 'recovery', nonce, wrapped };
}

/** The CEK through the recovery path; a slot that does not unwrap rejects the file. */
export async function openRecoverySlot(content: ParsedContent, protector: VscKeyProtector): Promise<Buffer> {
  const slot = content.slots.find((s) => s.type === 'recovery') as KeySlotRecord;
  const cek = await protector.unwrapForRecovery(
    content.header.keys.recovery,
    slot.wrapped,
    slot.nonce,
    slotAad('recovery', content.header),
  );
  if (!cek || cek.length !== CEK_LENGTH) {
    throw new VscError(
      VscErrorCode.RecoverySlot,
      `the recovery slot does not open with recovery key ${content.header.keys.recovery.label} v${content.header.keys.recovery.version}`,
    );
  }
  return cek;
}

// ---------------------------------------------------------------- seal

/** The seal TLV that ends sealed content: tag, one length byte, the MAC. */
const SEAL_TLV_LENGTH = 2 + MAC_LENGTH;

/** The length of sealed content whose seal covers `coveredLength` bytes (the seal TLV ends the content). */
export function sealedLength(coveredLength: number): number {
  return coveredLength + SEAL_TLV_LENGTH;
}

/**
 * Whether `data` is exactly what the seal of `content` (a sealed content version) covers: every
 * byte before the seal TLV. A remote seal check may be answered only for such data.
 */
export function isSealInputOf(content: Uint8Array, data: Uint8Array): boolean {
  if (content.length !== sealedLength(data.length)) return false;
  const at = data.length;
  const covered = Buffer.from(content.buffer, content.byteOffset, at);
  return content[at] === Tag.SEAL && content[at + 1] === MAC_LENGTH && covered.equals(data);
}

export interface SealInput {
  readonly content: VscPlainContent;
  readonly cek: Uint8Array;
  /** PIN and PUK slots to carry (already made for this header's id, keys and KDF). */
  readonly pinSlots: readonly KeySlotRecord[];
}

/**
 * Seals one content version: header, public area, the three encrypted areas (AES-256-GCM, header
 * as associated data), key slots (the recovery slot made fresh), and the seal MAC under the KEK.
 * The encoding is canonical, so the same content gives the same bytes apart from nonces.
 */
export async function sealContent(input: SealInput, deps: SealDeps): Promise<Buffer> {
  const { content, cek } = input;
  if (cek.length !== CEK_LENGTH) throw new RangeError('the CEK is 32 bytes');
  const h = content.header;
  const headerBytes = encodeHeader(h);
  const publicObjects = content.objects.filter((o) => o.kind !== 'data' || o.area === 'public');
  const privateObjects = content.objects.filter((o): o is DataObject => o.kind === 'data' && o.area === 'private');
  checkConsistency(h, publicObjects, privateObjects, content.privateKeys);
  const plains: Record<EncryptedAreaName, Buffer> = {
    private: encodeObjects(privateObjects),
    secret: encodePrivateKeys(content.privateKeys),
    password: encodePassword(content.password),
  };
  const areas: Buffer[] = [];
  try {
    for (const name of ['private', 'secret', 'password'] as const) {
      const nonce = deps.random.bytes(NONCE_LENGTH);
      const key = areaKey(cek, h.id, name);
      areas.push(encodeSealedArea(name, nonce, gcmEncrypt(key, nonce, concat(headerBytes, Buffer.of(AREA_TAGS[name])), plains[name])));
      wipe(key);
    }
  } finally {
    wipe(plains.private, plains.secret, plains.password);
  }
  for (const s of input.pinSlots) if (s.type === 'recovery') throw new RangeError('the recovery slot is made by the sealer');
  const recovery = await makeRecoverySlot(h, cek, deps);
  const body = concat(headerBytes, tlv(Tag.PUBLIC, encodeObjects(publicObjects)), ...areas, encodeSlots([recovery, ...input.pinSlots]));
  const total = sealedLength(PREAMBLE_LENGTH + body.length);
  const unsealed = concat(preamble(VscFileType.Content, total), body);
  const mac = await deps.protector.mac(h.keys.kek, 'seal', unsealed);
  return concat(unsealed, tlv(Tag.SEAL, mac));
}

/** Verifies the seal MAC (needs the HSM). */
export async function verifySeal(content: ParsedContent, protector: VscKeyProtector): Promise<void> {
  const h = content.header;
  const check = await protector.checkMac(h.keys.kek, 'seal', content.seal.input, content.seal.mac);
  if (!check.ok) {
    throw new VscError(
      VscErrorCode.SealTag,
      `the seal does not verify under KEK ${h.keys.kek.label} v${h.keys.kek.version}: the file was altered, or sealed by another HSM`,
      { vscId: h.id, version: h.hierarchy.version, kek: `${h.keys.kek.label}/${h.keys.kek.version}`, ...check.context },
    );
  }
}

export interface OpenedAreas {
  readonly privateObjects: DataObject[];
  readonly privateKeys: PrivateKeyRecord[];
  readonly password: PasswordArea;
}

/** Decrypts and decodes the three areas with the CEK; any failing tag or field rejects the file. */
export function openAreas(content: ParsedContent, cek: Uint8Array): OpenedAreas {
  const plain = {} as Record<EncryptedAreaName, Buffer>;
  try {
    for (const name of ['private', 'secret', 'password'] as const) {
      const a = content.areas[name];
      const key = areaKey(cek, content.header.id, name);
      const p = gcmDecrypt(key, a.nonce, concat(content.headerBytes, Buffer.of(AREA_TAGS[name])), a.ciphertext);
      wipe(key);
      if (!p)
        throw formatError(VscErrorCode.AreaTag, `the ${AREA_TITLES[name]}'s authentication tag does not verify`, a.start, { area: name });
      plain[name] = p;
    }
    // Offsets inside decrypted areas are relative to their plaintext; errors name the area.
    const privateObjects = decodeObjects(plain.private, 0, 'private') as DataObject[];
    const privateKeys = decodePrivateKeys(plain.secret, 0);
    const password = decodePassword(plain.password, 0, content.formatVersion);
    checkConsistency(content.header, content.objects, privateObjects, privateKeys, true);
    return { privateObjects, privateKeys, password };
  } finally {
    wipe(plain.private, plain.secret, plain.password);
  }
}

/** Names unique across areas; every private key has its public key object, with the same public key. */
function checkConsistency(
  _h: VscHeader,
  pub: readonly VscObject[],
  priv: readonly DataObject[],
  keys: readonly PrivateKeyRecord[],
  rejecting = false,
): void {
  const fail = (msg: string): never => {
    throw rejecting ? new VscError(VscErrorCode.Inconsistent, msg) : new VscError(VscErrorCode.InvalidObject, msg);
  };
  const names = new Set(pub.map((o) => o.name));
  for (const o of priv) if (names.has(o.name)) fail(`object name "${o.name}" is used in both the public and the private area`);
  for (const k of keys) {
    const pk = pub.find((o) => o.kind === 'key' && o.slot === k.slot);
    if (!pk || pk.kind !== 'key' || pk.algorithm !== k.algorithm)
      fail(`the private key of slot ${slotName(k.slot)} has no matching public key object`);
    const derived = createPublicKey(createPrivateKey({ key: Buffer.from(k.pkcs8), format: 'der', type: 'pkcs8' })).export({
      format: 'der',
      type: 'spki',
    });
    if (pk && pk.kind === 'key' && !derived.equals(Buffer.from(pk.spki)))
      fail(`the private key of slot ${slotName(k.slot)} does not match its public key`);
  }
}

// ---------------------------------------------------------------- standalone file and state

/** A standalone file: the content bytes as they are, then the state section and its MAC under the KEK. */
export async function buildStandaloneFile(content: ParsedContent, state: VscState, protector: VscKeyProtector): Promise<Buffer> {
  const st = encodeState(state, content.hash);
  const total = PREAMBLE_LENGTH + content.bytes.length + st.length + 2 + 32;
  const pre = preamble(VscFileType.Standalone, total);
  const mac = await protector.mac(content.header.keys.kek, 'state', concat(pre, st));
  return concat(pre, content.bytes, st, tlv(Tag.STATE_MAC, mac));
}

/** Verifies a standalone file's state section: its MAC, and that it belongs to this content. */
export async function verifyState(file: ParsedVscFile, protector: VscKeyProtector): Promise<void> {
  if (!file.state) return;
  const h = file.content.header;
  const check = await protector.checkMac(h.keys.kek, 'state', file.state.input, file.state.mac);
  if (!check.ok)
    throw new VscError(VscErrorCode.StateTag, 'the state section does not verify: the file was altered, or sealed by another HSM', {
      vscId: h.id,
      version: h.hierarchy.version,
      kek: `${h.keys.kek.label}/${h.keys.kek.version}`,
      ...check.context,
    });
  if (!ctEqual(file.state.contentHash, file.content.hash))
    throw new VscError(VscErrorCode.StateMismatch, 'the state section belongs to another version of the content');
}
