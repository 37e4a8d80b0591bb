import fc from 'fast-check';
import { FrameReader, frame } from './vpcd-framing';

describe('vpcd framing', () => {
  it('frames with a big-endian u16 length', () => {
    expect(frame(Uint8Array.of(0x04)).toString('hex')).toBe('000104');
    expect(frame(new Uint8Array(300)).subarray(0, 2).toString('hex')).toBe('012c');
  });

  it('reassembles frames however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }),
        (payloads, cuts) => {
          const stream = Buffer.concat(payloads.map((p) => frame(p)));
          const r = new FrameReader();
          const out: Buffer[] = [];
          let pos = 0;
          let i = 0;
          while (pos < stream.length) {
            const n = cuts[i++ % cuts.length];
            out.push(...r.push(stream.subarray(pos, pos + n)));
            pos += n;
          }
          expect(out.map((b) => b.toString('hex'))).toEqual(payloads.map((p) => Buffer.from(p).toString('hex')));
        },
      ),
    );
  });

  it('refuses payloads over 65535 bytes', () => {
    expect(() => frame(new Uint8Array(65536))).toThrow(RangeError);
  });
});

describe('vpcd framing under a trickling peer', () => {
  it('reassembles a 64 KiB frame sent one byte at a time copying each byte a bounded number of times', () => {
    // Regression (fuzz/corpus/vpcd-framing): joining the buffer on every chunk copied O(n^2) bytes
    // (2 GiB for one 64 KiB frame trickled byte by byte: seconds of the card's event loop).
    const payload = new Uint8Array(0xffff).map((_, i) => i & 0xff);
    const stream = frame(payload);
    const concat = jest.spyOn(Buffer, 'concat');
    try {
      const r = new FrameReader();
      const out: Buffer[] = [];
      for (let i = 0; i < stream.length; i++) out.push(...r.push(stream.subarray(i, i + 1)));
      expect(out).toHaveLength(1);
      expect(Buffer.compare(out[0], Buffer.from(payload))).toBe(0);
      const copied = concat.mock.calls.reduce((n, [list]) => n + list.reduce((m, b) => m + b.length, 0), 0);
      expect(copied).toBeLessThanOrEqual(2 * stream.length);
    } finally {
      concat.mockRestore();
    }
  });

  it('yields empty frames and keeps a split length field', () => {
    const r = new FrameReader();
    expect(r.push(Uint8Array.of(0x00))).toEqual([]);
    expect(r.push(Uint8Array.of(0x00, 0x00, 0x01))).toEqual([Buffer.alloc(0)]);
    expect(r.push(Uint8Array.of(0x07))).toEqual([Buffer.of(0x07)]);
  });
});
