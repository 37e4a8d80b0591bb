import { generateKeyPairSync } from 'node:crypto';
import { pemBlocks } from './pem';

describe('pemBlocks', () => {
  it('finds each block of the kind asked for, whole, among others and around attribute lines', () => {
    const keys = [0, 1].map(() =>
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    const cert = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const text = `Bag Attributes\n    friendlyName: 9D current\n${keys[0]}${cert}Bag Attributes\n${keys[1]}`;
    expect(pemBlocks(text, 'PRIVATE KEY')).toEqual(keys);
    expect(pemBlocks(text, 'CERTIFICATE')).toEqual([cert]);
    expect(pemBlocks(text, 'PUBLIC KEY')).toEqual([]);
  });

  it('leaves out a block that is not closed', () => {
    expect(pemBlocks('-----BEGIN CERTIFICATE-----\nAAAA\n', 'CERTIFICATE')).toEqual([]);
  });
});
