import { randomPin, unpadSecret } from './card-keys';

describe('card secrets made and read by the worker', () => {
  it('makes random PINs of the asked length that the PIN rules accept', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = randomPin(8);
      expect(p).toMatch(/^[0-9]{8}$/);
      expect(/^(\d)\1+$/.test(p)).toBe(false);
      seen.add(p);
    }
    expect(seen.size).toBeGreaterThan(190);
  });

  it('reads a PIN or PUK back from its padded card form', () => {
    expect(unpadSecret(Uint8Array.of(0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0xff, 0xff))).toBe('123456');
    expect(unpadSecret(Buffer.from('12345678'))).toBe('12345678');
  });
});
