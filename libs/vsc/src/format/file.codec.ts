import { createHash } from 'node:crypto';
import { VscErrorCode, formatError } from '../vsc-errors';
import { concat, hex, readUint, u16, u32, u64 } from './bytes';
import { Tag, decodeHeader, decodeObjects } from './content.codec';
import { TlvReader, fixed, text, tlv, tlvOf, utf8, validText, type TlvItem } from './tlv';
import {
  MAX_FILE_LENGTH,
  PREAMBLE_LENGTH,
  STRUCTURE_AREAS,
  VSC_FORMAT_VERSION,
  VSC_READABLE_FORMAT_VERSIONS,
  VSC_MAGIC,
  VscFileType,
  type VscHeader,
  type VscObject,
  type VscState,
} from './vsc-model';

/** Kinds of key slot, each wrapping the same content key (CEK). */
export type KeySlotType = 'recovery' | 'pin' | 'puk';
export const SLOT_TYPES: Record<KeySlotType, number> = { recovery: 1, pin: 2, puk: 3 };
const SLOT_BY_BYTE = new Map(Object.entries(SLOT_TYPES).map(([k, v]) => [v, k as KeySlotType]));

export const NONCE_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;
export const CEK_LENGTH = 32;
export const SALT_LENGTH = 16;
export const MAC_LENGTH = 32;

/** A key slot: the CEK wrapped with AES-256-GCM under the recovery key (in the HSM) or a PIN/PUK-derived key. */
export interface KeySlotRecord {
  readonly type: KeySlotType;
  /** KDF salt (PIN and PUK slots only). */
  readonly salt?: Uint8Array;
  readonly nonce: Uint8Array;
  /** Wrapped CEK followed by the GCM tag (48 bytes). */
  readonly wrapped: Uint8Array;
}

/** An encrypted area as stored: nonce and ciphertext with its GCM tag. */
export interface SealedArea {
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
  /** Offset of the area in the file (for error messages). */
  readonly start: number;
}

export type EncryptedAreaName = 'private' | 'secret' | 'password';
export const AREA_TAGS: Record<EncryptedAreaName, number> = { private: Tag.PRIVATE, secret: Tag.SECRET, password: Tag.PASSWORD };
export const AREA_TITLES: Record<EncryptedAreaName, string> = {
  private: 'private area',
  secret: 'secret-key area',
  password: 'password area',
};

/** A content version after the structural check (nothing decrypted, no MAC verified yet). */
export interface ParsedContent {
  /** The content file's bytes (its own preamble included); `hash` is their SHA-256. */
  readonly bytes: Buffer;
  readonly hash: Buffer;
  readonly header: VscHeader;
  /** The header TLV's bytes: associated data of every area. */
  readonly headerBytes: Buffer;
  /** The public area's objects. */
  readonly objects: readonly VscObject[];
  readonly areas: Readonly<Record<EncryptedAreaName, SealedArea>>;
  readonly slots: readonly KeySlotRecord[];
  /** What the seal MAC covers (every byte before the seal TLV) and the MAC itself. */
  readonly seal: { readonly input: Buffer; readonly mac: Buffer };
  /** The format version in the content's preamble (1 or 2). */
  readonly formatVersion: number;
}

export interface ParsedState {
  readonly state: VscState;
  readonly contentHash: Buffer;
  /** What the state MAC covers (the standalone preamble and the state TLV) and the MAC. */
  readonly input: Buffer;
  readonly mac: Buffer;
}

export interface ParsedVscFile {
  readonly type: VscFileType;
  readonly content: ParsedContent;
  readonly state?: ParsedState;
}

/** Preamble of a file of `type` whose total length is `length`. */
export function preamble(type: VscFileType, length: number): Buffer {
  return concat(VSC_MAGIC, u16(VSC_FORMAT_VERSION), Buffer.of(type, STRUCTURE_AREAS), u32(length));
}

/** SHA-256 of a content file: the hash manifests and state sections name. */
export function contentHash(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function checkPreamble(b: Buffer, base: number, expected?: VscFileType): { type: VscFileType; length: number; version: number } {
  if (b.length < PREAMBLE_LENGTH) {
    throw formatError(VscErrorCode.Length, `the file is ${b.length} bytes, shorter than the ${PREAMBLE_LENGTH}-byte preamble`, base);
  }
  if (!b.subarray(0, 8).equals(VSC_MAGIC)) throw formatError(VscErrorCode.Magic, `not a VSC file (magic ${hex(b.subarray(0, 8))})`, base);
  const version = b.readUInt16BE(8);
  if (!VSC_READABLE_FORMAT_VERSIONS.includes(version)) {
    throw formatError(
      VscErrorCode.Version,
      `format version ${version} is not supported (this program reads versions ${VSC_READABLE_FORMAT_VERSIONS.join(', ')})`,
      base + 8,
      { version },
    );
  }
  const type = b[10];
  if (type !== VscFileType.Content && type !== VscFileType.Standalone)
    throw formatError(VscErrorCode.FileType, `unknown type of file ${hex(b.subarray(10, 11))}`, base + 10);
  if (expected !== undefined && type !== expected)
    throw formatError(VscErrorCode.FileType, `a ${VscFileType[expected]} file was expected here, found ${VscFileType[type]}`, base + 10);
  if (b[11] !== STRUCTURE_AREAS) throw formatError(VscErrorCode.FileType, `unknown file structure ${hex(b.subarray(11, 12))}`, base + 11);
  const length = b.readUInt32BE(12);
  if (length < PREAMBLE_LENGTH || length > MAX_FILE_LENGTH)
    throw formatError(VscErrorCode.Length, `declared length ${length} is out of range`, base + 12);
  return { type, length, version };
}

/**
 * The structural half of the consistency check: magic, version, type, every length, every
 * field's tag, order and range, the public area's objects. Throws a rejecting `VscError` that
 * says what failed and where. MACs and GCM tags are checked by the sealer.
 */
export function parseVscFile(input: Uint8Array): ParsedVscFile {
  const b = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (b.length > MAX_FILE_LENGTH)
    throw formatError(VscErrorCode.Length, `the file is ${b.length} bytes, over the ${MAX_FILE_LENGTH}-byte limit`);
  const { type, length } = checkPreamble(b, 0);
  if (length !== b.length) {
    throw formatError(
      VscErrorCode.Length,
      length > b.length
        ? `the file is truncated: ${b.length} of ${length} bytes`
        : `the file has ${b.length - length} bytes after its declared end (${length})`,
      12,
      { declared: length, actual: b.length },
    );
  }
  if (type === VscFileType.Content) return { type, content: parseContent(b, 0) };
  const inner = checkPreamble(b.subarray(PREAMBLE_LENGTH), PREAMBLE_LENGTH, VscFileType.Content);
  if (PREAMBLE_LENGTH + inner.length > b.length)
    throw formatError(
      VscErrorCode.Length,
      `the embedded content (${inner.length} bytes) runs past the end of the file`,
      PREAMBLE_LENGTH + 12,
    );
  const content = parseContent(b.subarray(PREAMBLE_LENGTH, PREAMBLE_LENGTH + inner.length), PREAMBLE_LENGTH);
  const stateAt = PREAMBLE_LENGTH + inner.length;
  const r = new TlvReader(b.subarray(stateAt), stateAt, 'standalone file');
  const st = r.expect(Tag.STATE, 'state section');
  const macItem = r.expect(Tag.STATE_MAC, 'state MAC');
  r.end();
  const { state, hash } = decodeState(st);
  return {
    type,
    content,
    state: {
      state,
      contentHash: hash,
      input: concat(b.subarray(0, PREAMBLE_LENGTH), b.subarray(st.start, st.end)),
      mac: Buffer.from(fixed(macItem, MAC_LENGTH, 'state MAC')),
    },
  };
}

function parseContent(b: Buffer, base: number): ParsedContent {
  const { length, version } = checkPreamble(b, base, VscFileType.Content);
  if (length !== b.length) throw formatError(VscErrorCode.Length, `content declares ${length} bytes but has ${b.length}`, base + 12);
  const r = new TlvReader(b.subarray(PREAMBLE_LENGTH), base + PREAMBLE_LENGTH, 'content');
  const headerItem = r.expect(Tag.HEADER, 'header');
  const header = decodeHeader(headerItem);
  const pub = r.expect(Tag.PUBLIC, 'public area');
  const objects = decodeObjects(pub.value, pub.valueStart, 'public');
  const areas = {
    private: sealedArea(r.expect(Tag.PRIVATE, 'private area'), 'private area'),
    secret: sealedArea(r.expect(Tag.SECRET, 'secret-key area'), 'secret-key area'),
    password: sealedArea(r.expect(Tag.PASSWORD, 'password area'), 'password area'),
  };
  const slots = decodeSlots(r.expect(Tag.KEY_SLOTS, 'key slots'), header);
  const sealItem = r.expect(Tag.SEAL, 'seal');
  r.end();
  const local = (abs: number): number => abs - base;
  return {
    bytes: b,
    hash: contentHash(b),
    header,
    headerBytes: b.subarray(local(headerItem.start), local(headerItem.end)),
    objects,
    areas,
    slots,
    seal: { input: b.subarray(0, local(sealItem.start)), mac: Buffer.from(fixed(sealItem, MAC_LENGTH, 'seal')) },
    formatVersion: version,
  };
}

function sealedArea(item: TlvItem, name: string): SealedArea {
  const r = TlvReader.of(item, name);
  const nonce = fixed(r.expect(0x80, 'nonce'), NONCE_LENGTH, `${name} nonce`);
  const ct = r.expect(0x81, 'ciphertext');
  r.end();
  if (ct.value.length < GCM_TAG_LENGTH) throw formatError(VscErrorCode.Length, `${name}: ciphertext shorter than its GCM tag`, ct.start);
  return { nonce, ciphertext: ct.value, start: item.start };
}

function decodeSlots(item: TlvItem, header: VscHeader): KeySlotRecord[] {
  const r = TlvReader.of(item, 'key slots');
  const out: KeySlotRecord[] = [];
  while (r.remaining > 0) {
    const s = r.expect(Tag.SLOT, 'key slot');
    const sr = TlvReader.of(s, 'key slot');
    const ti = sr.expect(0x80, 'slot type');
    const type = SLOT_BY_BYTE.get(fixed(ti, 1, 'slot type')[0]);
    if (!type) throw formatError(VscErrorCode.Value, 'unknown key slot type', ti.start);
    const salt = sr.optional(0x81);
    const nonce = fixed(sr.expect(0x82, 'slot nonce'), NONCE_LENGTH, 'slot nonce');
    const wrapped = fixed(sr.expect(0x83, 'wrapped key'), CEK_LENGTH + GCM_TAG_LENGTH, 'wrapped key');
    sr.end();
    if (out.length && SLOT_TYPES[out[out.length - 1].type] >= SLOT_TYPES[type])
      throw formatError(VscErrorCode.Value, 'key slots repeat or are out of order', s.start);
    if ((type === 'recovery') !== (salt === undefined))
      throw formatError(VscErrorCode.Value, 'PIN and PUK slots carry a salt, the recovery slot none', s.start);
    if (type !== 'recovery' && !header.kdf)
      throw formatError(VscErrorCode.Value, `a ${type} slot needs KDF parameters in the header`, s.start);
    out.push({ type, ...(salt ? { salt: fixed(salt, SALT_LENGTH, 'slot salt') } : {}), nonce, wrapped });
  }
  if (out[0]?.type !== 'recovery') throw formatError(VscErrorCode.Value, 'the recovery key slot is missing', item.start);
  if (header.kdf && !out.some((s) => s.type === 'pin'))
    throw formatError(VscErrorCode.Value, 'KDF parameters without a PIN slot', item.start);
  return out;
}

/** Encodes key slots in canonical order. */
export function encodeSlots(slots: readonly KeySlotRecord[]): Buffer {
  const sorted = [...slots].sort((a, b) => SLOT_TYPES[a.type] - SLOT_TYPES[b.type]);
  return tlvOf(
    Tag.KEY_SLOTS,
    ...sorted.map((s) =>
      tlvOf(
        Tag.SLOT,
        tlv(0x80, Buffer.of(SLOT_TYPES[s.type])),
        s.salt ? tlv(0x81, s.salt) : undefined,
        tlv(0x82, s.nonce),
        tlv(0x83, s.wrapped),
      ),
    ),
  );
}

/** Encodes an encrypted area. */
export function encodeSealedArea(name: EncryptedAreaName, nonce: Uint8Array, ciphertext: Uint8Array): Buffer {
  return tlvOf(AREA_TAGS[name], tlv(0x80, nonce), tlv(0x81, ciphertext));
}

// ---------------------------------------------------------------- state

const STATUS: Record<VscState['status'], number> = { active: 1, disabled: 2 };

/** The state TLV (B0 …) binding `state` to the content whose hash is given. */
export function encodeState(state: VscState, hash: Uint8Array): Buffer {
  checkState(state);
  return tlvOf(
    Tag.STATE,
    tlv(0x80, hash),
    tlv(0x81, u32(state.sequence)),
    tlv(0x82, Buffer.of(STATUS[state.status])),
    tlv(0x83, Buffer.of(state.pin.remaining, state.pin.total)),
    tlv(0x84, Buffer.of(state.puk.remaining, state.puk.total)),
    state.expiresAt !== undefined ? tlv(0x85, u64(state.expiresAt)) : undefined,
    state.binding
      ? tlvOf(0x86, tlv(0x80, utf8(state.binding.serial)), state.binding.atr ? tlv(0x81, state.binding.atr) : undefined)
      : undefined,
  );
}

/** Throws RangeError for a state that cannot be encoded. */
export function checkState(s: VscState): void {
  const counter = (c: { remaining: number; total: number }): boolean =>
    Number.isInteger(c.total) &&
    Number.isInteger(c.remaining) &&
    c.total >= 1 &&
    c.total <= 15 &&
    c.remaining >= 0 &&
    c.remaining <= c.total;
  if (!Number.isInteger(s.sequence) || s.sequence < 1 || s.sequence > 0xffffffff) throw new RangeError('state sequence out of range');
  if (!(s.status in STATUS)) throw new RangeError('unknown status');
  if (!counter(s.pin) || !counter(s.puk)) throw new RangeError('retry counters are 0..total, total 1..15');
  if (s.expiresAt !== undefined && (!Number.isInteger(s.expiresAt) || s.expiresAt < 0 || s.expiresAt > Number.MAX_SAFE_INTEGER))
    throw new RangeError('bad expiry');
  if (s.binding && (!validText(s.binding.serial, 32) || (s.binding.atr && (s.binding.atr.length < 2 || s.binding.atr.length > 33))))
    throw new RangeError('bad card binding');
}

function decodeState(item: TlvItem): { state: VscState; hash: Buffer } {
  const r = TlvReader.of(item, 'state');
  const hash = Buffer.from(fixed(r.expect(0x80, 'content hash'), 32, 'content hash'));
  const sequence = readUint(fixed(r.expect(0x81, 'sequence'), 4, 'sequence'));
  const stItem = r.expect(0x82, 'status');
  const status = (Object.keys(STATUS) as Array<VscState['status']>).find((k) => STATUS[k] === fixed(stItem, 1, 'status')[0]);
  const pinItem = r.expect(0x83, 'PIN counter');
  const pin = fixed(pinItem, 2, 'PIN counter');
  const puk = fixed(r.expect(0x84, 'PUK counter'), 2, 'PUK counter');
  const exp = r.optional(0x85);
  const bind = r.optional(0x86);
  r.end();
  if (!status) throw formatError(VscErrorCode.Value, 'unknown status', stItem.start);
  let binding: VscState['binding'];
  if (bind) {
    const br = TlvReader.of(bind, 'binding');
    const serial = text(br.expect(0x80, 'serial'), 'card serial', 32);
    const atr = br.optional(0x81);
    br.end();
    binding = { serial, ...(atr ? { atr: Buffer.from(atr.value) } : {}) };
  }
  const state: VscState = {
    sequence,
    status,
    pin: { remaining: pin[0], total: pin[1] },
    puk: { remaining: puk[0], total: puk[1] },
    ...(exp ? { expiresAt: Number(fixed(exp, 8, 'expiry').readBigUInt64BE()) } : {}),
    ...(binding ? { binding } : {}),
  };
  try {
    checkState(state);
  } catch (e) {
    throw formatError(VscErrorCode.Value, `state: ${(e as Error).message}`, item.start);
  }
  return { state, hash };
}
