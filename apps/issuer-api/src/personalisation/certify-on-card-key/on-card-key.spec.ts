import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { normalisedSpki, spkiAlgorithm } from './on-card-key';

describe('on-card keys', () => {
  it('names the algorithms profiles use, and nothing else', () => {
    const spki = (k: ReturnType<typeof generateKeyPairSync>) => k.publicKey.export({ format: 'der', type: 'spki' });
    expect(spkiAlgorithm(spki(generateKeyPairSync('ec', { namedCurve: 'prime256v1' })))).toBe('p256');
    expect(spkiAlgorithm(spki(generateKeyPairSync('ec', { namedCurve: 'secp384r1' })))).toBe('p384');
    expect(spkiAlgorithm(spki(generateKeyPairSync('rsa', { modulusLength: 2048 })))).toBe('rsa2048');
    expect(spkiAlgorithm(spki(generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 })))).toBeUndefined();
    expect(spkiAlgorithm(spki(generateKeyPairSync('ec', { namedCurve: 'secp256k1' })))).toBeUndefined();
    expect(spkiAlgorithm(Buffer.from('not a key'))).toBeUndefined();
  });

  it('normalises an SPKI to its DER encoding', () => {
    const der = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' });
    expect(normalisedSpki(der)).toEqual(der);
  });
});
