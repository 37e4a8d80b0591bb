import { ApduFormatError } from './apdu-errors';

/** Upper-case hex without separators ("00A40400"). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** Bytes from hex; spaces, colons and line breaks are ignored, anything else is an error. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new ApduFormatError(`not a hex string: "${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`);
  }
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** One new array holding the parts in order. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A byte value 0..255, else a format error naming the field. */
export function checkByte(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new ApduFormatError(`${field} must be a byte (0..255), got ${value}`);
  return value;
}
