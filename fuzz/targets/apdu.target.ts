import fc from 'fast-check';
import {
  ApduError,
  ApduFormatError,
  CommandApdu,
  createApduChannel,
  encodeConstructed,
  encodeTlv,
  findNested,
  fromHex,
  parseAtr,
  parseTlv,
  parseTlvs,
  ResponseApdu,
  TlvError,
  type ByteTransport,
} from '@scm/apdu';
import { bytesFrom } from '../harness/mutate';
import { joinFrames, splitFrames } from '../harness/frames';
import { defineTarget, oracle } from '../harness/target';

const COMMANDS = [
  '00A4040009A0000003080000100000',
  '00CB3FFF055C035FC10500',
  '00DB3FFF095C035FC102530201 02'.replace(/ /g, ''),
  '00200080083132333435 36FFFF'.replace(/ /g, ''),
  '00CB3FFF0000055C035FC1050000',
  '00C0000000',
  '0084000008',
  '00DA3FFF',
].map((h) => fromHex(h.length % 2 ? `${h}0` : h));

/** Command APDUs as a card reads them from the host: case 1-4, short and extended. */
export const apduCommand = defineTarget({
  name: 'apdu-command',
  about: 'CommandApdu.parse (what a card, the software card included, reads from a host)',
  setup: async () => [...COMMANDS, CommandApdu.of(0, 0xdb, 0x3f, 0xff, new Uint8Array(300), 65536).toBytes()],
  inputs: (seeds) => bytesFrom(seeds, { random: 300 }),
  run: (_s, b) => {
    const c = CommandApdu.parse(b);
    // What parses writes back byte for byte.
    oracle(Buffer.from(c.toBytes()).equals(Buffer.from(b)), 'a parsed command does not re-encode to its bytes');
  },
  expected: (e) => e instanceof ApduFormatError,
});

const ATRS = [
  '3BF81300008131FE15597562696B657934D4',
  '3BFD1300008131FE158073C021C057597562694B657940',
  '3B8980014A434F503234325232',
  '3B00',
].map(fromHex);

/** Response APDUs and ATRs as a host reads them from a card. */
export const apduResponse = defineTarget({
  name: 'apdu-response',
  about: 'ResponseApdu.parse and parseAtr (what the host reads from a card)',
  setup: async () => [...ATRS, fromHex('9000'), fromHex('6A82'), fromHex('01020361 10')],
  inputs: (seeds) => bytesFrom(seeds, { random: 80 }),
  run: (_s, b) => {
    let failed = 0;
    try {
      const r = ResponseApdu.parse(b);
      oracle(Buffer.from(r.toBytes()).equals(Buffer.from(b)), 'a parsed response does not re-encode to its bytes');
    } catch (e) {
      if (!(e instanceof ApduFormatError)) throw e;
      failed++;
    }
    try {
      const a = parseAtr(b);
      oracle(a.historical.length <= 15, 'more than 15 historical bytes');
    } catch (e) {
      if (!(e instanceof ApduFormatError)) throw e;
      failed++;
    }
    if (failed === 2) throw new ApduFormatError('neither a response nor an ATR');
  },
  expected: (e) => e instanceof ApduFormatError,
});

const TLVS = [
  encodeConstructed(0x7c, encodeTlv(0x82), encodeTlv(0x81, new Uint8Array(32).fill(7))),
  encodeTlv(0x53, encodeTlv(0x70, new Uint8Array(400).fill(0x30))),
  encodeConstructed(0x7f49, encodeTlv(0x81, new Uint8Array(256).fill(0xc1)), encodeTlv(0x82, Uint8Array.of(1, 0, 1))),
  encodeTlv(0x5fc105, new Uint8Array(3)),
  encodeConstructed(0x61, encodeTlv(0x4f, fromHex('000010000100')), encodeConstructed(0x79, encodeTlv(0x4f, fromHex('A000000308')))),
  encodeTlv(0x53, new Uint8Array(70000)),
];

/** Strict BER-TLV of card data. */
export const berTlv = defineTarget({
  name: 'ber-tlv',
  about: 'BER-TLV codec of libs/apdu: parseTlvs, parseTlv, findNested (card data, both directions)',
  setup: async () => TLVS,
  inputs: (seeds) => bytesFrom(seeds, { random: 400 }),
  run: (_s, b) => {
    let list;
    try {
      list = parseTlvs(b);
    } catch (e) {
      if (!(e instanceof TlvError)) throw e;
      oracle(e.offset === undefined || (e.offset >= 0 && e.offset <= b.length), `TlvError offset ${e.offset} outside the input`);
      throw e;
    }
    oracle(list.reduce((n, t) => n + t.value.length, 0) <= b.length, 'values longer than the input');
    for (const path of [
      [0x7c, 0x82],
      [0x53, 0x70],
      [0x7f49, 0x81],
    ])
      findNested(b, ...path);
    if (list.length === 1) parseTlv(b);
  },
  expected: (e) => e instanceof TlvError,
});

/** The transport layers (61xx GET RESPONSE, 6Cxx, chaining) facing a card that answers anything. */
export const apduChannel = defineTarget({
  name: 'apdu-channel',
  about: 'createApduChannel (61xx/6Cxx/chaining loops) over a card answering fuzzed responses',
  budgetMs: 2000,
  setup: async () =>
    [
      [fromHex('6110'), new Uint8Array([...new Uint8Array(16), 0x90, 0x00])],
      [fromHex('6C10'), new Uint8Array([...new Uint8Array(16), 0x90, 0x00])],
      [fromHex('9000'), fromHex('9000'), fromHex('9000')],
      [fromHex('6100'), fromHex('6100'), fromHex('9000')],
      [fromHex('6882')],
    ].map(joinFrames),
  inputs: (seeds) =>
    fc.oneof(
      { weight: 4, arbitrary: bytesFrom(seeds, { random: 200 }) },
      {
        weight: 2,
        arbitrary: fc
          .array(
            fc.oneof(
              fc.tuple(fc.constantFrom(0x61, 0x6c, 0x90, 0x63, 0x6a, 0x68), fc.nat({ max: 255 })).map(([a, b]) => Uint8Array.of(a, b)),
              fc.uint8Array({ maxLength: 300 }),
            ),
            { minLength: 1, maxLength: 12 },
          )
          .map(joinFrames),
      },
    ),
  run: async (_s, b) => {
    const answers = splitFrames(b);
    if (answers.length === 0) answers.push(new Uint8Array(0));
    let i = 0;
    let calls = 0;
    const card: ByteTransport = {
      transmit: async () => {
        calls++;
        return answers[Math.min(i++, answers.length - 1)];
      },
    };
    const ch = createApduChannel(card, { maxGetResponse: 20 });
    const data = new Uint8Array(b.length % 600);
    try {
      await ch.send(CommandApdu.of(0x00, 0xdb, 0x3f, 0xff, data, 256));
      await ch.transmit(CommandApdu.of(0x00, 0xcb, 0x3f, 0xff, Uint8Array.of(0x5c, 1, 0x7e), 256), [0x9000, 0x6a82]);
    } finally {
      oracle(calls <= 2 * 3 * 50, `${calls} exchanges for two commands: a loop is not capped`);
    }
  },
  expected: (e) => e instanceof ApduError,
});
