import { hashPinSync, padPin, pinMatches } from '../crypto/pin-hash';
import { SoftPivBackend } from './soft-piv-backend';

jest.mock('../crypto/pin-hash', () => {
  const actual = jest.requireActual<typeof import('../crypto/pin-hash')>('../crypto/pin-hash');
  return { ...actual, hashPinSync: jest.fn(actual.hashPinSync), pinMatches: jest.fn(actual.pinMatches) };
});

describe('SoftPivBackend PIN references', () => {
  it('makes blank cards and checks the factory PIN without hashing it again; a PIN set on the card gets a salt of its own', async () => {
    new SoftPivBackend(); // the factory hashes are made once per process
    const sync = jest.mocked(hashPinSync);
    const matches = jest.mocked(pinMatches);
    sync.mockClear();
    matches.mockClear();
    const a = new SoftPivBackend();
    const b = new SoftPivBackend();
    expect(sync).not.toHaveBeenCalled();
    expect(await a.verifyReference(0x80, padPin('123456'))).toEqual({ ok: true });
    expect(matches).not.toHaveBeenCalled();
    // A wrong PIN is still checked against the hash, and counted.
    expect(await a.verifyReference(0x80, padPin('654321'))).toEqual({ ok: false, remaining: 2 });
    expect(await a.changeReference(0x80, padPin('123456'), padPin('24681357'))).toEqual({ ok: true });
    expect(await a.verifyReference(0x80, padPin('123456'))).toEqual({ ok: false, remaining: 2 });
    expect(await a.verifyReference(0x80, padPin('24681357'))).toEqual({ ok: true });
    expect(await a.retryState(0x80)).toEqual({ total: 3, remaining: 3, isDefault: false });
    // The other blank card is untouched by the change (its reference is its own copy).
    expect(await b.verifyReference(0x80, padPin('24681357'))).toEqual({ ok: false, remaining: 2 });
    expect(await b.verifyReference(0x80, padPin('123456'))).toEqual({ ok: true });
    // Setting the default value again hashes it with a fresh salt: not the factory pair any more.
    expect(await a.changeReference(0x80, padPin('24681357'), padPin('123456'))).toEqual({ ok: true });
    matches.mockClear();
    expect(await a.verifyReference(0x80, padPin('123456'))).toEqual({ ok: true });
    expect(matches).toHaveBeenCalledTimes(1);
  });
});
