import fc from 'fast-check';
import { ApduError, ApduFormatError } from './apdu-errors';
import { bytesEqual } from './bytes';
import { CommandApdu } from './command-apdu';
import { ResponseApdu } from './response-apdu';
import { encodeTlvs, findNested, parseTlv, parseTlvs, type Tlv, TlvError } from './tlv.codec';
import { type ByteTransport, createApduChannel } from './transport';

/** Runs f; any exception must be of the allowed type (an unexpected TypeError/RangeError fails the property). */
function onlyTyped<T>(f: () => T, allowed: new (...a: never[]) => Error): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof allowed) return undefined;
    throw e;
  }
}

const bytes = (max = 600) => fc.uint8Array({ maxLength: max });

// BER tags as the codec accepts them: one byte (low bits not 1F, not 00), or 2-3 byte forms.
const tag = fc.oneof(
  fc.integer({ min: 1, max: 0xff }).filter((t) => (t & 0x1f) !== 0x1f),
  fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0x1f, max: 0x7f })).map(([c, n]) => (((c << 5) | 0x1f) << 8) | n),
  fc
    .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0x81, max: 0xff }), fc.integer({ min: 0, max: 0x7f }))
    .map(([c, a, b]) => ((((c << 5) | 0x1f) << 16) | (a << 8) | b) >>> 0),
);
const tlv: fc.Arbitrary<Tlv> = fc.record({ tag, value: fc.uint8Array({ maxLength: 300 }) });

const mutate = (b: Uint8Array) =>
  fc.oneof(
    fc.nat({ max: Math.max(0, b.length - 1) }).map((n) => b.subarray(0, n)), // truncate
    fc.tuple(fc.nat({ max: Math.max(0, b.length) }), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([i, ins]) => {
      const out = new Uint8Array(b.length + ins.length);
      out.set(b.subarray(0, i));
      out.set(ins, i);
      out.set(b.subarray(i), i + ins.length);
      return out;
    }), // insert
    fc.tuple(fc.nat({ max: Math.max(0, b.length - 1) }), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
      const out = Uint8Array.from(b);
      if (out.length) out[i] = v;
      return out;
    }), // overwrite
  );

describe('properties', () => {
  it('CommandApdu.parse: random bytes give a command that re-encodes identically, or an ApduFormatError', () => {
    fc.assert(
      fc.property(bytes(300), (b) => {
        const c = onlyTyped(() => CommandApdu.parse(b), ApduFormatError);
        if (c) expect(bytesEqual(c.toBytes(), b)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('CommandApdu: every valid command round-trips through parse', () => {
    const cmd = fc.record({
      cla: fc.integer({ min: 0, max: 255 }),
      ins: fc.integer({ min: 0, max: 255 }),
      p1: fc.integer({ min: 0, max: 255 }),
      p2: fc.integer({ min: 0, max: 255 }),
      data: fc.uint8Array({ maxLength: 400 }),
      ne: fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
      extended: fc.option(fc.boolean(), { nil: undefined }),
    });
    fc.assert(
      fc.property(cmd, (init) => {
        const c = onlyTyped(() => new CommandApdu(init), ApduFormatError);
        if (!c) return;
        const p = CommandApdu.parse(c.toBytes());
        expect([p.cla, p.ins, p.p1, p.p2, p.ne, p.case]).toEqual([c.cla, c.ins, c.p1, c.p2, c.ne, c.case]);
        expect(bytesEqual(p.data, c.data)).toBe(true);
        expect(p.hex).toBe(c.hex);
      }),
      { numRuns: 1000 },
    );
  });

  it('ResponseApdu.parse: random bytes give a response or an ApduFormatError', () => {
    fc.assert(
      fc.property(bytes(300), (b) => {
        const r = onlyTyped(() => ResponseApdu.parse(b), ApduFormatError);
        if (r) expect(bytesEqual(r.toBytes(), b)).toBe(true);
      }),
    );
  });

  it('TLV: encode then parse is the identity', () => {
    fc.assert(
      fc.property(fc.array(tlv, { maxLength: 6 }), (list) => {
        const back = parseTlvs(encodeTlvs(list));
        expect(back).toEqual(list.map((t) => ({ tag: t.tag, value: Uint8Array.from(t.value) })));
      }),
      { numRuns: 500 },
    );
  });

  it('TLV: random bytes parse or give a TlvError with an offset inside the input', () => {
    fc.assert(
      fc.property(bytes(), (b) => {
        try {
          const list = parseTlvs(b);
          // What parses re-encodes to something that parses to the same list (lengths may shrink).
          expect(parseTlvs(encodeTlvs(list))).toEqual(list);
        } catch (e) {
          if (!(e instanceof TlvError)) throw e;
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(b.length);
        }
        onlyTyped(() => parseTlv(b), TlvError);
        onlyTyped(() => findNested(b, 0x53, 0x70), TlvError);
      }),
      { numRuns: 3000 },
    );
  });

  it('TLV: mutations of valid encodings give a list or a TlvError, never anything else', () => {
    fc.assert(
      fc.property(
        fc.array(tlv, { minLength: 1, maxLength: 4 }).chain((list) => mutate(encodeTlvs(list))),
        (m) => {
          onlyTyped(() => parseTlvs(m), TlvError);
          onlyTyped(() => findNested(m, 0x7c, 0x82), TlvError);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('channel: whatever a card answers, the result is a response or an ApduError, within the loop caps', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(bytes(260), { minLength: 1, maxLength: 8 }), fc.uint8Array({ maxLength: 600 }), async (answers, data) => {
        let i = 0;
        let calls = 0;
        const card: ByteTransport = {
          transmit: async () => {
            calls++;
            return answers[i++ % answers.length];
          },
        };
        const ch = createApduChannel(card, { maxGetResponse: 50 });
        try {
          await ch.send(CommandApdu.of(0x00, 0xdb, 0x3f, 0xff, data, 256));
        } catch (e) {
          if (!(e instanceof ApduError)) throw e;
        }
        // chain links (<= 3) x (1 + 1 resend + 50 GET RESPONSE x 2)
        expect(calls).toBeLessThanOrEqual(3 * 103);
      }),
      { numRuns: 500 },
    );
  });
});
