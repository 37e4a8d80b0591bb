import { fromHex, toHex } from './bytes';
import {
  encodeConstructed,
  encodeTlv,
  encodeTlvs,
  findNested,
  findTlv,
  lengthBytes,
  parseTlv,
  parseTlvs,
  requireNested,
  requireTlv,
  tagBytes,
  TlvError,
} from './tlv.codec';

function errorOf(f: () => unknown): TlvError {
  try {
    f();
  } catch (e) {
    if (e instanceof TlvError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('BER-TLV codec', () => {
  it('round-trips the PIV select response (piv-crib 2)', () => {
    const hex = '61114F0600001000010079074F05A000000308';
    const t = parseTlv(fromHex(hex));
    expect(t.tag).toBe(0x61);
    const inner = parseTlvs(t.value);
    expect(inner.map((x) => x.tag)).toEqual([0x4f, 0x79]);
    expect(toHex(requireNested(fromHex(hex), 0x61, 0x79, 0x4f))).toBe('A000000308');
    expect(toHex(encodeTlv(0x61, t.value))).toBe(hex);
  });

  it('handles multi-byte tags and long-form lengths', () => {
    expect(toHex(tagBytes(0x5fc105))).toBe('5FC105');
    expect(toHex(tagBytes(0x7f49))).toBe('7F49');
    expect(toHex(lengthBytes(0x7f))).toBe('7F');
    expect(toHex(lengthBytes(0x80))).toBe('8180');
    expect(toHex(lengthBytes(0x100))).toBe('820100');
    expect(toHex(lengthBytes(0x10000))).toBe('83010000');
    const cert = new Uint8Array(787).fill(0x30);
    const obj = encodeConstructed(0x53, encodeTlv(0x70, cert), encodeTlv(0x71, Uint8Array.of(0)), encodeTlv(0xfe));
    expect(toHex(obj.subarray(0, 8))).toBe('5382031C70820313');
    expect(findNested(obj, 0x53, 0x70)).toEqual(cert);
    expect(toHex(findNested(obj, 0x53, 0x71)!)).toBe('00');
    const get = encodeTlv(0x5c, tagBytes(0x5fc105));
    expect(toHex(get)).toBe('5C035FC105');
    expect(parseTlv(fromHex('7F4903860100')).tag).toBe(0x7f49);
    expect(parseTlv(fromHex('5FC1050100')).tag).toBe(0x5fc105);
  });

  it('accepts non-minimal lengths on input (BER) and encodes minimally', () => {
    expect(toHex(parseTlv(fromHex('538103010203')).value)).toBe('010203');
    expect(toHex(parseTlv(fromHex('53820001AA')).value)).toBe('AA');
    expect(toHex(encodeTlvs([{ tag: 0x53, value: Uint8Array.of(0xaa) }]))).toBe('5301AA');
  });

  it.each([
    ['5303AABB', 'needs 3 bytes, only 2 left', 0],
    ['5301AA00', 'tag 00 is not allowed', 3],
    ['5301AAFF', 'truncated', 3],
    ['5F', 'truncated', 0],
    ['5F8001', 'leading zero', 0],
    ['1F0500', 'one-byte form', 0],
    ['5FC1C1C10100', 'longer than 3 bytes', 0],
    ['53', 'length expected', 1],
    ['5380', 'indefinite', 1],
    ['5384000000010A', 'not supported', 1],
    ['5382FF', 'truncated', 1],
    ['5301AA5301', 'needs 1 bytes, only 0 left', 3],
  ])('rejects %s with the offset', (hex, msg, offset) => {
    const e = errorOf(() => parseTlvs(fromHex(hex)));
    expect(e.message).toContain(msg);
    expect(e.offset).toBe(offset);
    expect(e.message).toContain(`at offset ${offset}`);
  });

  it('parseTlv wants exactly one TLV', () => {
    expect(errorOf(() => parseTlv(fromHex('5301AA5300'))).offset).toBe(3);
    expect(errorOf(() => parseTlv(new Uint8Array(0))).message).toContain('empty');
  });

  it('reports absolute offsets in nested finds', () => {
    // 7C 05 82 03 AA (truncated inner value): inner error at byte 2 of the whole
    const e = errorOf(() => findNested(fromHex('7C038203AA'), 0x7c, 0x82));
    expect(e.offset).toBe(2);
  });

  it('finds or names what is missing', () => {
    const list = parseTlvs(fromHex('8001118100'));
    expect(findTlv(list, 0x81)?.value.length).toBe(0);
    expect(findTlv(list, 0x82)).toBeUndefined();
    expect(() => requireTlv(list, 0x82, 'GENERAL AUTHENTICATE')).toThrow('GENERAL AUTHENTICATE: tag 82 missing (found 80 81)');
    expect(findNested(fromHex('7C028200'), 0x7c, 0x81)).toBeUndefined();
    expect(() => requireNested(fromHex('7C028200'), 0x7c, 0x81)).toThrow('TLV path 7C/81 not found');
  });

  it('refuses to encode malformed tags', () => {
    expect(() => tagBytes(0)).toThrow(TlvError);
    expect(() => tagBytes(0x5f)).toThrow('not a well-formed');
    expect(() => tagBytes(0x05c1)).toThrow('not a well-formed');
    expect(() => tagBytes(0x5fc1)).toThrow('not a well-formed');
    expect(() => lengthBytes(-1)).toThrow(TlvError);
  });
});
