import { diversificationInput, MANAGEMENT_KEY_ALGORITHMS } from './management-key-diversifier';

describe('management-key diversification input', () => {
  const id = { serial: '12345678', guid: '3f1c0d7e-1b2a-4c5d-8e9f-0a1b2c3d4e5f' };

  it('is 32 bytes, deterministic, and differs with serial, GUID and algorithm', () => {
    const a = diversificationInput(id, 'aes192');
    expect(a).toHaveLength(32);
    expect(diversificationInput(id, 'aes192').equals(a)).toBe(true);
    expect(diversificationInput({ ...id, serial: '12345679' }, 'aes192').equals(a)).toBe(false);
    expect(diversificationInput({ ...id, guid: '3f1c0d7e-1b2a-4c5d-8e9f-0a1b2c3d4e50' }, 'aes192').equals(a)).toBe(false);
    expect(diversificationInput(id, 'aes256').equals(a)).toBe(false);
  });

  it('cannot be made equal by moving bytes between serial and GUID', () => {
    // Length prefixes: "1" + GUID vs "12" + another GUID never collide by concatenation.
    const x = diversificationInput({ serial: '1', guid: '00000000-0000-0000-0000-000000000000' }, '3des');
    const y = diversificationInput({ serial: '10', guid: '00000000-0000-0000-0000-000000000000' }, '3des');
    expect(x.equals(y)).toBe(false);
  });

  it('refuses malformed identities', () => {
    expect(() => diversificationInput({ serial: '', guid: id.guid }, 'aes128')).toThrow(/serial/);
    expect(() => diversificationInput({ serial: '12 34', guid: id.guid }, 'aes128')).toThrow(/serial/);
    expect(() => diversificationInput({ serial: '1', guid: 'abcd' }, 'aes128')).toThrow(/GUID/);
  });

  it('knows the PIV algorithm ids and sizes', () => {
    expect(MANAGEMENT_KEY_ALGORITHMS['3des']).toEqual({ piv: 0x03, bytes: 24, block: 8 });
    expect(MANAGEMENT_KEY_ALGORITHMS.aes192).toEqual({ piv: 0x0a, bytes: 24, block: 16 });
  });
});
