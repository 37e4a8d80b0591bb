import { parseAtr } from './atr';
import { fromHex } from './bytes';

describe('parseAtr', () => {
  it('reads the YubiKey 5 ATR: T=1, chaining and extended length, "YubiKey"', () => {
    const a = parseAtr(fromHex('3BFD1300008131FE158073C021C057597562694B657940'));
    expect(a.protocols).toEqual([1]);
    expect(Buffer.from(a.compact.get(5)!).toString('latin1')).toBe('YubiKey');
    expect(a.chaining).toBe(true);
    expect(a.extendedLength).toBe(true);
  });

  it('reads a T=0 ATR with no capabilities', () => {
    const a = parseAtr(fromHex('3B021450'));
    expect(a.protocols).toEqual([0]);
    expect(a.extendedLength).toBe(false);
    expect(Array.from(a.historical)).toEqual([0x14, 0x50]);
  });

  it('rejects malformed ATRs', () => {
    expect(() => parseAtr(fromHex('3B'))).toThrow('at least 2 bytes');
    expect(() => parseAtr(fromHex('00FD'))).toThrow('TS byte');
    expect(() => parseAtr(fromHex('3B8F'))).toThrow('truncated');
    expect(() => parseAtr(fromHex('3B0511'))).toThrow('historical bytes truncated');
  });
});
