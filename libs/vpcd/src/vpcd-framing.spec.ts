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
