/** vpcd framing: a big-endian u16 length, then the payload. Pure, so it is tested alone. */
export const MAX_FRAME = 0xffff;

export function frame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_FRAME) throw new RangeError(`vpcd payload of ${payload.length} bytes exceeds ${MAX_FRAME}`);
  const out = Buffer.alloc(2 + payload.length);
  out.writeUInt16BE(payload.length, 0);
  out.set(payload, 2);
  return out;
}

/**
 * Accumulates stream chunks and yields whole frames, however the stream splits them. Chunks are
 * kept in a list and joined once a frame is complete, so a frame trickled in byte by byte costs
 * linear time (joining on every chunk was quadratic: 64 KiB in 1-byte chunks took seconds).
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;

  push(chunk: Uint8Array): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(Buffer.from(chunk));
      this.size += chunk.length;
    }
    const out: Buffer[] = [];
    while (this.size >= 2) {
      if (this.chunks[0].length < 2) this.join();
      const len = this.chunks[0].readUInt16BE(0);
      if (this.size < 2 + len) break;
      const buf = this.join();
      out.push(buf.subarray(2, 2 + len));
      const rest = buf.subarray(2 + len);
      this.chunks = rest.length ? [rest] : [];
      this.size = rest.length;
    }
    return out;
  }

  /** The pending bytes as one buffer (kept as the only chunk). */
  private join(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.chunks = [all];
    return all;
  }
}

/** Control bytes vpcd sends as 1-byte payloads. */
export const VpcdControl = { PowerOff: 0x00, PowerOn: 0x01, Reset: 0x02, GetAtr: 0x04 } as const;
