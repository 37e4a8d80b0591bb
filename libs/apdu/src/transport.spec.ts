import { ChannelBusyError, TranscriptError, TransportProtocolError } from './apdu-errors';
import { fromHex, toHex } from './bytes';
import { CommandApdu } from './command-apdu';
import { StatusWordError } from './status-words';
import { TranscriptRecorder, TranscriptTransport } from './transcript';
import { type ApduTraceLogger, type ByteTransport, createApduChannel, withResponseCollection } from './transport';

const hex = (s: string): Uint8Array => fromHex(s);

describe('transcript replay', () => {
  it('replays and checks everything was used', async () => {
    const t = new TranscriptTransport(`
      # SELECT PIV, ykpiv style
      => 00A4040005A000000308
      <= 61114F0600001000010079074F05A0000003089000
      => 00FD000000
      <= 0504039000
    `);
    expect(toHex(await t.transmit(hex('00A4040005A000000308')))).toMatch(/9000$/);
    expect(() => t.assertDone()).toThrow('transcript line 5: 1 recorded exchange(s) not used, first => 00FD000000');
    await t.transmit(hex('00FD000000'));
    t.assertDone();
  });

  it('names the line of the first mismatch', async () => {
    const t = new TranscriptTransport('=> 00A4040005A000000308\n<= 9000\n\n=> 00FD000000\n<= 0504039000\n');
    await t.transmit(hex('00A4040005A000000308'));
    await expect(t.transmit(hex('00F8000000'))).rejects.toThrow('transcript line 4: expected => 00FD000000, got => 00F8000000');
    await expect(new TranscriptTransport('=> 00\n<= 9000').transmit(hex('00'))).resolves.toBeDefined();
  });

  it('rejects malformed transcripts with their line', () => {
    expect(() => new TranscriptTransport('=> 00A4\n=> 00A4\n')).toThrow('transcript line 2: two commands');
    expect(() => new TranscriptTransport('<= 9000\n')).toThrow('transcript line 1: a response without a command');
    expect(() => new TranscriptTransport('=> 00A4\n')).toThrow('transcript line 1: the last command has no response');
    expect(() => new TranscriptTransport('-> 00A4\n')).toThrow(TranscriptError);
  });

  it('complains about commands past the end', async () => {
    const t = new TranscriptTransport('=> 00200080\n<= 63C3\n');
    await t.transmit(hex('00200080'));
    await expect(t.transmit(hex('00200080'))).rejects.toThrow('after the end of the transcript');
  });

  it('records what it sees', async () => {
    const rec = new TranscriptRecorder(new TranscriptTransport('=> 00FD000000\n<= 0504039000\n'));
    rec.comment('version');
    await rec.transmit(hex('00FD000000'));
    expect(rec.text()).toBe('# version\n=> 00FD000000\n<= 0504039000\n');
  });
});

describe('APDU channel', () => {
  it('collects 61xx parts with GET RESPONSE (piv-crib 7, GENERATE RSA-2048)', async () => {
    const first = `7F49820109818201000${'A'.repeat(2 * 256 - 19)}`.slice(0, 512);
    const t = new TranscriptTransport(`
      => 0047009D05AC03800107
      <= ${first}610E
      => 00C000000E
      <= ${'BB'.repeat(9)}820301000190 00
    `);
    const ch = createApduChannel(t);
    const r = await ch.transmit(CommandApdu.parse(hex('0047009D05AC03800107')));
    expect(r.length).toBe(256 + 14);
    expect(r.hex.slice(-14)).toBe('82030100019000');
    t.assertDone();
  });

  it('takes 6100 as 256 more bytes and keeps going', async () => {
    const t = new TranscriptTransport(`
      => 00CB3FFF055C035FC10500
      <= ${'11'.repeat(256)}6100
      => 00C0000000
      <= ${'22'.repeat(256)}6102
      => 00C0000002
      <= 33449000
    `);
    const r = await createApduChannel(t).transmit(CommandApdu.parse(hex('00CB3FFF055C035FC10500')));
    expect(r.length).toBe(514);
    t.assertDone();
  });

  it('re-sends with the Le of 6Cxx, for the command and for GET RESPONSE', async () => {
    const t = new TranscriptTransport(`
      => 00CB3FFF035C017E00
      <= 6C14
      => 00CB3FFF035C017E14
      <= 7E124F0B${'A0000003080000100001005F2F024000'}9000
    `);
    const r = await createApduChannel(t).transmit(CommandApdu.parse(hex('00CB3FFF035C017E00')));
    expect(r.length).toBe(20);
    t.assertDone();
    const g = new TranscriptTransport(`
      => 00FD000000
      <= 6102
      => 00C0000002
      <= 6C03
      => 00C0000003
      <= 0504039000
    `);
    expect((await createApduChannel(g).send(CommandApdu.parse(hex('00FD000000')))).hex).toBe('0504039000');
    g.assertDone();
  });

  it('gives up on a second 6Cxx and on endless 61xx', async () => {
    const t = new TranscriptTransport('=> 00FD000000\n<= 6C03\n=> 00FD000003\n<= 6C04\n');
    await expect(createApduChannel(t).send(CommandApdu.parse(hex('00FD000000')))).rejects.toThrow(TransportProtocolError);
    const endless: ByteTransport = { transmit: async () => hex('00016101') };
    let calls = 0;
    const counting: ByteTransport = { transmit: (a) => (calls++, endless.transmit(a)) };
    await expect(createApduChannel(counting, { maxGetResponse: 20 }).send(CommandApdu.of(0, 0xcb, 0x3f, 0xff))).rejects.toThrow(
      'kept answering 61xx after 20 GET RESPONSE',
    );
    expect(calls).toBe(21);
    const huge: ByteTransport = { transmit: async () => new Uint8Array(258).fill(0x61) };
    await expect(createApduChannel(huge).send(CommandApdu.of(0, 0xcb, 0x3f, 0xff))).rejects.toThrow(TransportProtocolError);
  });

  it('chains long data in 255-byte links, the last with plain CLA and Le (piv-crib 7, PUT DATA 805 bytes)', async () => {
    const data = new Uint8Array(805).map((_, i) => i & 0xff);
    const h = toHex(data);
    const t = new TranscriptTransport(`
      => 10DB3FFFFF${h.slice(0, 510)}
      <= 9000
      => 10DB3FFFFF${h.slice(510, 1020)}
      <= 9000
      => 10DB3FFFFF${h.slice(1020, 1530)}
      <= 9000
      => 00DB3FFF28${h.slice(1530)}
      <= 9000
    `);
    await createApduChannel(t).transmit(CommandApdu.of(0x00, 0xdb, 0x3f, 0xff, data));
    t.assertDone();
  });

  it('stops a chain at the first refused link', async () => {
    const t = new TranscriptTransport(`=> 10DB3FFFFF${'00'.repeat(255)}\n<= 6982\n`);
    const err = await createApduChannel(t)
      .transmit(CommandApdu.of(0x00, 0xdb, 0x3f, 0xff, new Uint8Array(300)), undefined, 'PUT DATA')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusWordError);
    expect(String(err)).toContain('PUT DATA: SW=6982 (security status not satisfied)');
    t.assertDone();
  });

  it('sends one extended APDU when the card takes them, and short Le otherwise', async () => {
    const data = new Uint8Array(300).fill(0xab);
    const t = new TranscriptTransport(`=> 00DB3FFF00012C${'AB'.repeat(300)}\n<= 9000\n=> 00CB3FFF0000035C017E0400\n<= 9000\n`);
    const ch = createApduChannel(t, { extendedLength: true });
    await ch.transmit(CommandApdu.of(0, 0xdb, 0x3f, 0xff, data));
    await ch.transmit(CommandApdu.of(0, 0xcb, 0x3f, 0xff, hex('5C017E'), 1024));
    t.assertDone();
    // Without extended support, Ne=1024 is clamped to a short Le of 00 (the card then uses 61xx).
    const s = new TranscriptTransport('=> 00CB3FFF035C017E00\n<= 9000\n');
    await createApduChannel(s).transmit(CommandApdu.of(0, 0xcb, 0x3f, 0xff, hex('5C017E'), 1024));
    s.assertDone();
  });

  it('allows one command at a time', async () => {
    let release: (b: Uint8Array) => void = () => undefined;
    const slow: ByteTransport = { transmit: () => new Promise((r) => (release = r)) };
    const ch = createApduChannel(slow);
    const first = ch.send(CommandApdu.of(0, 0xfd, 0, 0));
    await expect(ch.send(CommandApdu.of(0, 0xfd, 0, 0))).rejects.toThrow(ChannelBusyError);
    release(hex('9000'));
    await expect(first).resolves.toBeDefined();
    await expect((async () => (release(hex('9000')), 0))()).resolves.toBe(0);
  });

  it('traces with PINs, keys and cryptograms redacted, GET RESPONSE of a secret included', async () => {
    const lines: string[] = [];
    const log: ApduTraceLogger = { trace: (o, m) => lines.push(`${m} ${String(o.apdu)}`) };
    const t = new TranscriptTransport(`
      => 0020008008313233343536FFFF
      <= 9000
      => 0087039B047C028000
      <= 7C0A800877A7D6BCF57962B99000
      => 00FF FFFF 1B 039B18 010203040506070801020304050607080102030405060708
      <= 9000
      => 0087079A0A7C088200810401020304
      <= 6102
      => 00C0000002
      <= AABB9000
      => 00CB3FFF035C017E00
      <= 7E009000
    `);
    const ch = createApduChannel(t, { trace: log });
    await ch.transmit(CommandApdu.parse(hex('0020008008313233343536FFFF')));
    await ch.transmit(CommandApdu.parse(hex('0087039B047C028000')));
    await ch.transmit(CommandApdu.parse(hex('00FFFFFF1B039B18010203040506070801020304050607080102030405060708')));
    await ch.transmit(CommandApdu.parse(hex('0087079A0A7C088200810401020304')));
    await ch.transmit(CommandApdu.parse(hex('00CB3FFF035C017E00')));
    t.assertDone();
    const all = lines.join('\n');
    expect(all).not.toMatch(/313233343536/);
    expect(all).not.toMatch(/77A7D6BC/);
    expect(all).not.toMatch(/0102030405060708/);
    expect(all).not.toMatch(/AABB/);
    expect(lines).toEqual([
      '=> 00200080 [9 bytes redacted]',
      '<= 9000',
      '=> 0087039B [5 bytes redacted]',
      '<= [12 bytes redacted] 9000',
      '=> 00FFFFFF [28 bytes redacted]',
      '<= 9000',
      '=> 0087079A [11 bytes redacted]',
      '<= 6102',
      '=> 00C0000002',
      '<= [2 bytes redacted] 9000',
      '=> 00CB3FFF035C017E00',
      '<= 7E009000',
    ]);
  });

  it('the response layer alone passes other statuses through', async () => {
    const t = new TranscriptTransport('=> 00A4040005A000000308\n<= 6A82\n');
    expect(toHex(await withResponseCollection(t).transmit(hex('00A4040005A000000308')))).toBe('6A82');
  });
});
