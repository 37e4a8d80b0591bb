import { ApduError, ApduErrorCode } from './apdu-errors';
import { concatBytes, toHex } from './bytes';

/**
 * Strict BER-TLV as ISO 7816-4 uses it. A tag is a number whose big-endian bytes are the tag's
 * encoding (0x53, 0x7f49, 0x5fc105); lengths are 1 to 4 bytes (short form, 81, 82, 83).
 * Parsing is one level deep: a value that holds TLVs is parsed again (see findNested), because
 * PIV's containers do not all set the "constructed" bit (0x53 does not).
 */
export interface Tlv {
  tag: number;
  value: Uint8Array;
}

/** Malformed TLV data; `offset` is the byte where the problem was found (absolute in nested finds). */
export class TlvError extends ApduError {
  readonly code = ApduErrorCode.Tlv;

  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(offset !== undefined ? `${message} at offset ${offset}` : message, { offset });
  }
}

const MAX_TAG_BYTES = 3;
const MAX_LENGTH = 0xffffff;

/** The encoding of a tag number, validated as a BER tag (multi-byte forms included). */
export function tagBytes(tag: number): Uint8Array {
  if (!Number.isInteger(tag) || tag <= 0 || tag > 0xffffff) throw new TlvError(`tag ${tag} is not a 1 to 3-byte BER tag`);
  const out =
    tag > 0xffff
      ? Uint8Array.of(tag >> 16, (tag >> 8) & 0xff, tag & 0xff)
      : tag > 0xff
        ? Uint8Array.of(tag >> 8, tag & 0xff)
        : Uint8Array.of(tag);
  let next = -1;
  try {
    next = readTag(out, 0).next;
  } catch {
    /* reported below */
  }
  if (next !== out.length) throw new TlvError(`tag ${tagHex(tag)} is not a well-formed BER tag`);
  return out;
}

/** Tag as hex for messages ("5FC105"). */
export function tagHex(tag: number): string {
  const h = tag.toString(16).toUpperCase();
  return h.length % 2 ? `0${h}` : h;
}

function readTag(b: Uint8Array, at: number, base = 0): { tag: number; next: number } {
  if (at >= b.length) throw new TlvError('tag expected, data ended', base + at);
  const first = b[at];
  if (first === 0x00) throw new TlvError('tag 00 is not allowed', base + at);
  if ((first & 0x1f) !== 0x1f) return { tag: first, next: at + 1 };
  let tag = first;
  let i = at + 1;
  for (;;) {
    if (i >= b.length) throw new TlvError(`tag ${tagHex(tag)}… is truncated`, base + at);
    const x = b[i];
    if (i === at + 1 && (x & 0x7f) === 0) throw new TlvError('multi-byte tag with a leading zero subsequent byte', base + at);
    if (i === at + 1 && x < 0x1f) throw new TlvError(`tag number ${x} must use the one-byte form`, base + at);
    tag = tag * 256 + x;
    i++;
    if (i - at > MAX_TAG_BYTES) throw new TlvError(`tag longer than ${MAX_TAG_BYTES} bytes`, base + at);
    if ((x & 0x80) === 0) return { tag, next: i };
  }
}

function readLength(b: Uint8Array, at: number, base = 0): { length: number; next: number } {
  if (at >= b.length) throw new TlvError('length expected, data ended', base + at);
  const first = b[at];
  if (first < 0x80) return { length: first, next: at + 1 };
  if (first === 0x80) throw new TlvError('indefinite length (80) is not allowed', base + at);
  const n = first & 0x7f;
  if (n > 3) throw new TlvError(`length form ${first.toString(16).toUpperCase()} is not supported (81, 82 or 83 only)`, base + at);
  if (at + 1 + n > b.length) throw new TlvError(`length field ${first.toString(16).toUpperCase()} is truncated`, base + at);
  let length = 0;
  for (let i = 1; i <= n; i++) length = length * 256 + b[at + i];
  return { length, next: at + 1 + n };
}

/** The minimal encoding of a length (short form, 81, 82 or 83). */
export function lengthBytes(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > MAX_LENGTH) throw new TlvError(`length ${length} cannot be encoded`);
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return Uint8Array.of(0x82, length >> 8, length & 0xff);
  return Uint8Array.of(0x83, length >> 16, (length >> 8) & 0xff, length & 0xff);
}

/** One TLV with where it sits: `offset` of its tag and `valueOffset` of its value. */
export interface LocatedTlv extends Tlv {
  offset: number;
  valueOffset: number;
}

/** Strict parse of a sequence of TLVs, reporting offsets relative to `base`. */
export function parseLocatedTlvs(bytes: Uint8Array, base = 0): LocatedTlv[] {
  const out: LocatedTlv[] = [];
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const t = readTag(bytes, at, base);
    const l = readLength(bytes, t.next, base);
    const end = l.next + l.length;
    if (end > bytes.length)
      throw new TlvError(`value of tag ${tagHex(t.tag)} needs ${l.length} bytes, only ${bytes.length - l.next} left`, base + start);
    out.push({ tag: t.tag, value: bytes.slice(l.next, end), offset: base + start, valueOffset: base + l.next });
    at = end;
  }
  return out;
}

/** Strict parse of a sequence of TLVs: every byte must belong to a well-formed TLV. */
export function parseTlvs(bytes: Uint8Array): Tlv[] {
  return parseLocatedTlvs(bytes).map(({ tag, value }) => ({ tag, value }));
}

/** Strict parse of exactly one TLV (trailing bytes are an error). */
export function parseTlv(bytes: Uint8Array): Tlv {
  const list = parseLocatedTlvs(bytes);
  if (list.length === 0) throw new TlvError('one TLV expected, the data is empty', 0);
  if (list.length > 1) throw new TlvError(`one TLV expected, trailing data after tag ${tagHex(list[0].tag)}`, list[1].offset);
  return { tag: list[0].tag, value: list[0].value };
}

/** tag | length | value. */
export function encodeTlv(tag: number, value: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concatBytes(tagBytes(tag), lengthBytes(value.length), value);
}

/** The TLVs one after another. */
export function encodeTlvs(list: readonly Tlv[]): Uint8Array {
  return concatBytes(...list.map((t) => encodeTlv(t.tag, t.value)));
}

/** A TLV whose value is the given encoded children: `encodeConstructed(0x7c, encodeTlv(0x82), encodeTlv(0x81, h))`. */
export function encodeConstructed(tag: number, ...children: readonly Uint8Array[]): Uint8Array {
  return encodeTlv(tag, concatBytes(...children));
}

/** The first TLV with this tag, or undefined. */
export function findTlv(list: readonly Tlv[], tag: number): Tlv | undefined {
  return list.find((t) => t.tag === tag);
}

/** The first TLV with this tag, or a TlvError naming what was expected. */
export function requireTlv(list: readonly Tlv[], tag: number, what?: string): Tlv {
  const t = findTlv(list, tag);
  if (!t)
    throw new TlvError(
      `${what ? `${what}: ` : ''}tag ${tagHex(tag)} missing (found ${list.map((x) => tagHex(x.tag)).join(' ') || 'nothing'})`,
    );
  return t;
}

/**
 * Walks a path of tags through nested TLVs, parsing each level strictly: findNested(r, 0x7c, 0x82)
 * is the value of the 82 inside the 7C of `r`. Undefined if a tag is missing; TlvError (with the
 * absolute offset) if a level is malformed.
 */
export function findNested(bytes: Uint8Array, ...path: readonly number[]): Uint8Array | undefined {
  let level = bytes;
  let base = 0;
  for (const tag of path) {
    const hit = parseLocatedTlvs(level, base).find((t) => t.tag === tag);
    if (!hit) return undefined;
    level = hit.value;
    base = hit.valueOffset;
  }
  return level;
}

/** Like findNested, but a missing tag is a TlvError naming the path. */
export function requireNested(bytes: Uint8Array, ...path: readonly number[]): Uint8Array {
  const v = findNested(bytes, ...path);
  if (v === undefined) throw new TlvError(`TLV path ${path.map(tagHex).join('/')} not found`);
  return v;
}

/** Short description for messages and traces: "7C(82 81)". */
export function describeTlvs(list: readonly Tlv[]): string {
  return list.map((t) => `${tagHex(t.tag)}[${t.value.length}]`).join(' ');
}

/** Hex of an encoded TLV list, for fixtures. */
export function tlvsHex(list: readonly Tlv[]): string {
  return toHex(encodeTlvs(list));
}
