import { MgmAlgorithm } from '@scm/card-engine';
import { transportKeyOption } from './card-emulate.command';

describe('scm card emulate --transport-key', () => {
  it('takes a stock transport key as algorithm:hex', () => {
    const hex = '0102030405060708090a0b0c0d0e0f101112131415161718';
    const t = transportKeyOption(`aes192:${hex}`);
    expect(t.algorithm).toBe(MgmAlgorithm.AES192);
    expect(Buffer.from(t.key).toString('hex')).toBe(hex);
    expect(transportKeyOption(`3des:${hex}`).algorithm).toBe(MgmAlgorithm.TDES);
    expect(transportKeyOption(`aes128:${hex.slice(0, 32)}`).key).toHaveLength(16);
  });

  it('refuses an unknown algorithm, a key of the wrong length and odd hex, saying what it wants', () => {
    expect(() => transportKeyOption('des:0102')).toThrow(/aes192:HEX.*3des, aes128, aes192, aes256/);
    expect(() => transportKeyOption('aes256:0102')).toThrow(/aes256 key is 32 bytes \(64 hex digits\), got 4/);
    expect(() => transportKeyOption(`aes192:${'a'.repeat(47)}`)).toThrow(/48 hex digits/);
    expect(() => transportKeyOption('aes192')).toThrow(/must look like/);
  });
});
