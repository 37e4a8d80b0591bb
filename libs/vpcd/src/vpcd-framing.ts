/** vpcd framing: a big-endian u16 length, then the payload. Pure, so it is tested alone. */
export const MAX_FRAME = 0xffff;

export function frame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_FRAME) throw new RangeError(`vpcd payload of ${payload.length} bytes exceeds ${MAX_FRAME}`);
  const out = Buffer.alloc(2 + payload.length);
  out.writeUInt16BE(payload.length, 0);
  out.set(payload, 2);
  return out;
}

/** Accumulates stream chunks and yields whole frames, however the stream splits them. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): Buffer[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    while (this.buf.length >= 2) {
      const len = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + len) break;
      out.push(this.buf.subarray(2, 2 + len));
      this.buf = this.buf.subarray(2 + len);
    }
    return out;
  }
}

/** Control bytes vpcd sends as 1-byte payloads. */
export const VpcdControl = { PowerOff: 0x00, PowerOn: 0x01, Reset: 0x02, GetAtr: 0x04 } as const;
