import { ApduFormatError } from './apdu-errors';
import { fromHex, toHex } from './bytes';
import { CommandApdu } from './command-apdu';

describe('CommandApdu', () => {
  it.each([
    // [hex, case, nc, ne, extended] — the forms real clients send (piv-crib sections 2, 5, 6, 7)
    ['00200080', 1, 0, undefined, false], // OpenSC VERIFY status query
    ['0020008000', 2, 0, 256, false], // ykpiv VERIFY status query
    ['00FD000003', 2, 0, 3, false],
    ['00A4040005A000000308', 3, 5, undefined, false], // ykpiv 2.2.0 SELECT, no Le
    ['00A4040009A0000003080000100000', 4, 9, 256, false], // OpenSC SELECT
    ['00CB3FFF035C017E08', 4, 3, 8, false],
    ['00C0000000', 2, 0, 256, false],
    ['0000000000', 2, 0, 256, false],
    ['00C00000000000', 2, 0, 65536, true],
    ['00C00000000100', 2, 0, 256, true],
    ['00DB3FFF000003010203', 3, 3, undefined, true],
    ['00DB3FFF0000030102030000', 4, 3, 65536, true],
    ['00DB3FFF0000030102030102', 4, 3, 258, true],
  ] as const)('parses %s as case %i and re-encodes it byte for byte', (hex, kase, nc, ne, extended) => {
    const c = CommandApdu.parse(fromHex(hex));
    expect(c.case).toBe(kase);
    expect(c.nc).toBe(nc);
    expect(c.ne).toBe(ne);
    expect(c.extended).toBe(extended);
    expect(c.hex).toBe(hex);
  });

  it('reads header and data of a chained IMPORT chunk', () => {
    const c = CommandApdu.parse(fromHex('10FE079A03010203'));
    expect([c.cla, c.ins, c.p1, c.p2]).toEqual([0x10, 0xfe, 0x07, 0x9a]);
    expect(c.chained).toBe(true);
    expect(toHex(c.data)).toBe('010203');
  });

  it.each([
    ['', 'at least 4 bytes'],
    ['00A404', 'at least 4 bytes'],
    ['00A4040005A0000003', 'must be 10 or 11 bytes'], // Lc says 5, 4 present
    ['00A4040002A00000030800', 'must be 7 or 8 bytes'], // trailing garbage
    ['00A404000000', 'truncated'], // 00 + one byte
    ['00A40400000000AA', 'Lc=0000'],
    ['00A404000000050102', 'must be 12 or 14 bytes'],
    ['00A40400000002010203', 'must be 9 or 11 bytes'], // extended with 1-byte Le
  ])('rejects %s', (hex, msg) => {
    expect(() => CommandApdu.parse(fromHex(hex))).toThrow(ApduFormatError);
    expect(() => CommandApdu.parse(fromHex(hex))).toThrow(msg);
  });

  it('chooses the extended form only when Nc or Ne need it', () => {
    expect(CommandApdu.of(0, 0xdb, 0x3f, 0xff, new Uint8Array(255)).extended).toBe(false);
    const big = CommandApdu.of(0, 0xdb, 0x3f, 0xff, new Uint8Array(256));
    expect(big.extended).toBe(true);
    expect(toHex(big.toBytes().subarray(0, 7))).toBe('00DB3FFF000100');
    expect(CommandApdu.of(0, 0xcb, 0x3f, 0xff, undefined, 257).hex).toBe('00CB3FFF000101');
    expect(CommandApdu.of(0, 0xcb, 0x3f, 0xff, undefined, 256).hex).toBe('00CB3FFF00');
  });

  it('validates on construction', () => {
    expect(() => new CommandApdu({ cla: 0x100, ins: 0, p1: 0, p2: 0 })).toThrow('CLA must be a byte');
    expect(() => new CommandApdu({ cla: 0, ins: -1, p1: 0, p2: 0 })).toThrow('INS must be a byte');
    expect(() => new CommandApdu({ cla: 0, ins: 0, p1: 1.5, p2: 0 })).toThrow('P1 must be a byte');
    expect(() => new CommandApdu({ cla: 0, ins: 0, p1: 0, p2: 0, ne: 0 })).toThrow('Ne must be');
    expect(() => new CommandApdu({ cla: 0, ins: 0, p1: 0, p2: 0, ne: 65537 })).toThrow('Ne must be');
    expect(() => new CommandApdu({ cla: 0, ins: 0, p1: 0, p2: 0, data: new Uint8Array(65536) })).toThrow('exceeds 65535');
    expect(() => new CommandApdu({ cla: 0, ins: 0, p1: 0, p2: 0, data: new Uint8Array(256), extended: false })).toThrow('ruled out');
    expect(() => new CommandApdu({ cla: 0, ins: 0, p1: 0, p2: 0, ne: 300, extended: false })).toThrow('ruled out');
  });

  it('is immutable: data is copied in and out', () => {
    const data = Uint8Array.of(1, 2, 3);
    const c = CommandApdu.of(0, 0xdb, 0x3f, 0xff, data);
    data[0] = 9;
    c.data[1] = 9;
    expect(toHex(c.data)).toBe('010203');
  });

  it('derives changed copies with with()', () => {
    const c = CommandApdu.of(0, 0xcb, 0x3f, 0xff, Uint8Array.of(0x5c, 1, 0x7e), 256);
    expect(c.with({ ne: 8 }).hex).toBe('00CB3FFF035C017E08');
    expect(c.with({ cla: 0x10, ne: undefined }).hex).toBe('10CB3FFF035C017E');
    expect(c.with({ extended: true }).hex).toBe('00CB3FFF0000035C017E0100');
    expect(c.hex).toBe('00CB3FFF035C017E00');
  });

  it('prints header and lengths, never the data', () => {
    const c = CommandApdu.parse(fromHex('0020008008313233343536FFFF'));
    expect(String(c)).toBe('00200080 case 3 Nc=8');
    expect(String(c)).not.toContain('3132');
  });
});
