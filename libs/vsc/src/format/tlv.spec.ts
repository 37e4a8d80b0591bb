import { VscError, VscErrorCode } from '../vsc-errors';
import { TlvReader, lengthBytes, text, tlv } from './tlv';

const read = (hex: string): TlvReader => new TlvReader(Buffer.from(hex.replace(/\s/g, ''), 'hex'), 100, 'test');

function failure(fn: () => unknown): VscError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VscError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('the strict TLV of the VSC format', () => {
  it('encodes lengths in their shortest form and reads them back', () => {
    for (const n of [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000]) {
      const enc = tlv(0x81, Buffer.alloc(n, 7));
      const item = new TlvReader(enc, 0, 't').next();
      expect(item.value.length).toBe(n);
      expect(enc.length).toBe(1 + lengthBytes(n).length + n);
    }
    expect(lengthBytes(0x80)).toEqual(Buffer.of(0x81, 0x80));
    expect(lengthBytes(0x100)).toEqual(Buffer.of(0x82, 0x01, 0x00));
  });

  it.each([
    ['81 81 05 0102030405', /not in its shortest form/, 101],
    ['81 80', /length form 80 is not allowed/, 101],
    ['81 84 00000001 00', /length form 84 is not allowed/, 101],
    ['81 05 0102', /claims 5 bytes but 2 remain/, 100],
    ['00 01 00', /tag 00 is not a VSC tag/, 100],
    ['1F 01 00', /tag 1F is not a VSC tag/, 100],
    ['81', /length of tag 81 is missing/, 100],
  ])('rejects %s', (hex, message, offset) => {
    const e = failure(() => read(hex).next());
    expect(e.message).toMatch(message);
    expect(e.meta.offset).toBe(offset);
    expect(e.isRejection).toBe(true);
  });

  it('names a missing or unexpected field and trailing bytes', () => {
    expect(failure(() => read('80 01 00').expect(0x81, 'label')).message).toMatch(/expected label \(tag 81\), found tag 80/);
    expect(failure(() => read('').expect(0x81, 'label')).message).toMatch(/label \(tag 81\) is missing/);
    const r = read('80 01 00 81 00');
    r.expect(0x80, 'a');
    expect(failure(() => r.end()).message).toMatch(/unexpected tag 81 after the last field \(at byte 103\)/);
  });

  it('accepts only valid, NFC, control-free UTF-8 text', () => {
    const item = (b: Buffer) => new TlvReader(tlv(0x80, b), 0, 't').next();
    expect(text(item(Buffer.from('VSC 00001079')), 'label', 64)).toBe('VSC 00001079');
    expect(failure(() => text(item(Buffer.of(0xc3, 0x28)), 'label', 64)).code).toBe(VscErrorCode.Value);
    expect(failure(() => text(item(Buffer.from('a\u0000b')), 'label', 64)).message).toMatch(/not valid text/);
    expect(failure(() => text(item(Buffer.from('e\u0301')), 'label', 64)).message).toMatch(/not valid text/); // not NFC
    expect(failure(() => text(item(Buffer.alloc(65, 0x41)), 'label', 64)).message).toMatch(/1 to 64 bytes/);
  });
});
