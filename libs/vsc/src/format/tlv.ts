import { VscErrorCode, formatError } from '../vsc-errors';
import { concat, hex } from './bytes';

/**
 * The strict TLV of the VSC format: one-byte tags, DER-style definite lengths in their shortest
 * form (00-7F, 81 xx, 82 xxxx, 83 xxxxxx), no indefinite length, nothing after the last field.
 * Readers name what they expect, so an error says which field failed and at which byte.
 */
export const MAX_TLV_LENGTH = 0xffffff;

/** Encodes one TLV. */
export function tlv(tag: number, value: Uint8Array): Buffer {
  if (!Number.isInteger(tag) || tag <= 0 || tag > 0xff || (tag & 0x1f) === 0x1f) throw new RangeError(`bad VSC tag ${tag}`);
  return concat(Buffer.of(tag), lengthBytes(value.length), value);
}

/** Encodes a TLV whose value is the concatenation of the given (already encoded) parts. */
export function tlvOf(tag: number, ...parts: Array<Uint8Array | undefined>): Buffer {
  return tlv(tag, concat(...parts.filter((p): p is Uint8Array => p !== undefined)));
}

export function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.of(n);
  if (n <= 0xff) return Buffer.of(0x81, n);
  if (n <= 0xffff) return Buffer.of(0x82, n >> 8, n & 0xff);
  if (n <= MAX_TLV_LENGTH) return Buffer.of(0x83, n >> 16, (n >> 8) & 0xff, n & 0xff);
  throw new RangeError(`TLV value of ${n} bytes is too long`);
}

export interface TlvItem {
  tag: number;
  value: Buffer;
  /** Absolute offsets in the file: first byte of the tag, of the value, and one past the value. */
  start: number;
  valueStart: number;
  end: number;
}

/** Reads the fields of one TLV value in order. `base` is the value's offset in the file. */
export class TlvReader {
  private at = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly base: number,
    private readonly context: string,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  /** The tag of the next field without consuming it (undefined at the end). */
  peekTag(): number | undefined {
    return this.at < this.bytes.length ? this.bytes[this.at] : undefined;
  }

  /** The next field, whatever its tag. */
  next(): TlvItem {
    const b = this.bytes;
    const start = this.at;
    const abs = (i: number): number => this.base + i;
    if (start >= b.length)
      throw formatError(VscErrorCode.Structure, `${this.context}: a field was expected but the data ended`, abs(start));
    const tag = b[start];
    if (tag === 0x00 || tag === 0xff || (tag & 0x1f) === 0x1f) {
      throw formatError(VscErrorCode.Structure, `${this.context}: tag ${hex(Buffer.of(tag))} is not a VSC tag`, abs(start));
    }
    let i = start + 1;
    if (i >= b.length)
      throw formatError(VscErrorCode.Structure, `${this.context}: the length of tag ${hex(Buffer.of(tag))} is missing`, abs(start));
    const first = b[i++];
    let length: number;
    if (first < 0x80) {
      length = first;
    } else {
      const n = first & 0x7f;
      if (n === 0 || n > 3)
        throw formatError(VscErrorCode.Structure, `${this.context}: length form ${hex(Buffer.of(first))} is not allowed`, abs(i - 1));
      if (i + n > b.length)
        throw formatError(VscErrorCode.Structure, `${this.context}: the length of tag ${hex(Buffer.of(tag))} is truncated`, abs(i - 1));
      length = 0;
      for (let k = 0; k < n; k++) length = length * 256 + b[i + k];
      const min = n === 1 ? 0x80 : n === 2 ? 0x100 : 0x10000;
      if (length < min)
        throw formatError(
          VscErrorCode.Structure,
          `${this.context}: length of tag ${hex(Buffer.of(tag))} is not in its shortest form`,
          abs(i - 1),
        );
      i += n;
    }
    if (i + length > b.length) {
      throw formatError(
        VscErrorCode.Length,
        `${this.context}: tag ${hex(Buffer.of(tag))} claims ${length} bytes but ${b.length - i} remain`,
        abs(start),
        {
          tag,
        },
      );
    }
    this.at = i + length;
    return { tag, value: b.subarray(i, i + length), start: abs(start), valueStart: abs(i), end: abs(i + length) };
  }

  /** The next field, which must have this tag. */
  expect(tag: number, name: string): TlvItem {
    const t = this.peekTag();
    if (t !== tag) {
      throw formatError(
        VscErrorCode.Structure,
        t === undefined
          ? `${this.context}: ${name} (tag ${hex(Buffer.of(tag))}) is missing`
          : `${this.context}: expected ${name} (tag ${hex(Buffer.of(tag))}), found tag ${hex(Buffer.of(t))}`,
        this.base + this.at,
      );
    }
    return this.next();
  }

  /** The next field if it has this tag (fields are in a fixed order, so an optional one is only looked for in its place). */
  optional(tag: number): TlvItem | undefined {
    return this.peekTag() === tag ? this.next() : undefined;
  }

  /** Asserts that nothing follows the last field. */
  end(): void {
    if (this.at !== this.bytes.length) {
      throw formatError(
        VscErrorCode.Structure,
        `${this.context}: unexpected tag ${hex(Buffer.of(this.bytes[this.at]))} after the last field`,
        this.base + this.at,
      );
    }
  }

  /** A reader over a field's value. */
  static of(item: TlvItem, context: string): TlvReader {
    return new TlvReader(item.value, item.valueStart, context);
  }
}

/** A field whose value must be exactly `size` bytes. */
export function fixed(item: TlvItem, size: number, name: string): Buffer {
  if (item.value.length !== size) {
    throw formatError(VscErrorCode.Value, `${name} must be ${size} bytes, found ${item.value.length}`, item.start);
  }
  return item.value;
}

/** A field holding one byte that must be one of `allowed`. */
export function byteOf<T extends number>(item: TlvItem, name: string, allowed: readonly T[]): T {
  const v = fixed(item, 1, name)[0] as T;
  if (!allowed.includes(v)) throw formatError(VscErrorCode.Value, `${name} has the unknown value ${hex(Buffer.of(v))}`, item.start);
  return v;
}

/** A UTF-8 text field of 1..max bytes without control characters, in NFC form. */
export function text(item: TlvItem, name: string, max: number): string {
  const v = item.value;
  if (v.length === 0 || v.length > max) throw formatError(VscErrorCode.Value, `${name} must be 1 to ${max} bytes`, item.start);
  let s: string;
  try {
    s = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(v);
  } catch {
    throw formatError(VscErrorCode.Value, `${name} is not valid UTF-8`, item.start);
  }
  if (!validText(s, max) || !Buffer.from(s, 'utf8').equals(v))
    throw formatError(VscErrorCode.Value, `${name} is not valid text`, item.start);
  return s;
}

/** Rules for names and labels: NFC, no control characters, 1..max UTF-8 bytes. */
export function validText(s: string, max: number): boolean {
  const n = Buffer.byteLength(s, 'utf8');
  // eslint-disable-next-line no-control-regex
  return n > 0 && n <= max && s.normalize('NFC') === s && !/[\u0000-\u001f\u007f-\u009f]/.test(s);
}

export function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}
