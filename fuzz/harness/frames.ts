/**
 * Sequences as bytes: each element a big-endian u16 length then its bytes (vpcd's framing). A
 * last frame cut short keeps what is there, so every byte string decodes to some sequence.
 */
export function joinFrames(parts: readonly Uint8Array[]): Uint8Array {
  const size = parts.reduce((n, p) => n + 2 + Math.min(p.length, 0xffff), 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    const n = Math.min(p.length, 0xffff);
    out[at] = n >> 8;
    out[at + 1] = n & 0xff;
    out.set(p.subarray(0, n), at + 2);
    at += 2 + n;
  }
  return out;
}

export function splitFrames(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at + 2 <= b.length) {
    const n = (b[at] << 8) | b[at + 1];
    out.push(b.subarray(at + 2, Math.min(b.length, at + 2 + n)));
    at += 2 + n;
  }
  return out;
}

export const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
export const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
