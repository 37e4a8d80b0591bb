import { ApduFormatError } from './apdu-errors';
import { fromHex, toHex } from './bytes';
import { ResponseApdu } from './response-apdu';
import { StatusWordError } from './status-words';

describe('ResponseApdu', () => {
  it('splits data and status', () => {
    const r = ResponseApdu.parse(fromHex('4F06000010000100 7907 4F05A000000308 9000'));
    expect(r.sw).toBe(0x9000);
    expect(r.sw1).toBe(0x90);
    expect(r.sw2).toBe(0x00);
    expect(r.ok).toBe(true);
    expect(toHex(r.data)).toBe('4F0600001000010079074F05A000000308');
    expect(r.hex).toBe('4F0600001000010079074F05A0000003089000');
  });

  it('accepts a status-only response and rejects shorter ones', () => {
    expect(ResponseApdu.parse(fromHex('6A82')).length).toBe(0);
    expect(() => ResponseApdu.parse(fromHex('90'))).toThrow(ApduFormatError);
    expect(() => ResponseApdu.parse(new Uint8Array(0))).toThrow('at least 2 bytes');
  });

  it('checks the status the caller accepts', () => {
    const r = ResponseApdu.of(new Uint8Array(0), 0x6a82);
    expect(() => r.expect()).toThrow(StatusWordError);
    expect(() => r.expect()).toThrow('SW=6A82 (file or application not found)');
    expect(() => r.expect([0x9000], 'GET DATA 5FC105')).toThrow('GET DATA 5FC105: SW=6A82 (file or application not found)');
    expect(r.expect([0x9000, 0x6a82])).toBe(r);
  });

  it('is immutable', () => {
    const r = ResponseApdu.of(Uint8Array.of(1, 2));
    r.data[0] = 7;
    expect(toHex(r.data)).toBe('0102');
    expect(() => new ResponseApdu(new Uint8Array(0), 0x10000)).toThrow('16-bit');
  });
});
