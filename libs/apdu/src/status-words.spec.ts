import { describeSw, formatSw, retriesFromSw, StatusWordError, SW } from './status-words';

describe('status words', () => {
  it.each([
    [0x9000, 'success'],
    [0x6a82, 'file or application not found'],
    [0x6982, 'security status not satisfied'],
    [0x6983, 'authentication method blocked'],
    [0x6d00, 'instruction code not supported or invalid'],
    [0x6110, '16 more response bytes available'],
    [0x6100, '256 or more response bytes available'],
    [0x6c08, 'wrong Le field; 8 bytes available'],
    [0x63c2, 'verification failed, 2 retries left'],
    [0x63c1, 'verification failed, 1 retry left'],
    [0x6a99, 'wrong parameters P1-P2'],
    [0x9123, 'unknown status'],
  ])('describes %s', (sw, text) => {
    expect(describeSw(sw)).toBe(text);
  });

  it('formats as SW=XXXX (meaning)', () => {
    expect(formatSw(0x6a82)).toBe('SW=6A82 (file or application not found)');
    expect(formatSw(0x6700)).toBe('SW=6700 (wrong length)');
  });

  it('reads retries from 63Cx only', () => {
    expect(retriesFromSw(0x63c0)).toBe(0);
    expect(retriesFromSw(0x63c3)).toBe(3);
    expect(retriesFromSw(0x6300)).toBeUndefined();
    expect(retriesFromSw(0x9000)).toBeUndefined();
  });

  it('StatusWordError carries sw, retries and what was accepted', () => {
    const e = new StatusWordError(0x63c1, [SW.OK], 'VERIFY PIN');
    expect(e.message).toBe('VERIFY PIN: SW=63C1 (verification failed, 1 retry left)');
    expect(e.sw1).toBe(0x63);
    expect(e.sw2).toBe(0xc1);
    expect(e.retries).toBe(1);
    expect(e.accepted).toEqual([0x9000]);
    expect(e.code).toBe('apdu.status-word');
  });
});
