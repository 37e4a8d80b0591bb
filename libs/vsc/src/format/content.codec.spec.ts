import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs it loaded first
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { VscError } from '../vsc-errors';
import { checkObject } from './content.codec';
import { KeyAlgorithm, type PublicKeyObject, type VscObject } from './vsc-model';

/** The checks of public objects are remembered by the bytes' hash: the verdict never outlives the bytes. */
describe('checks of public objects', () => {
  const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
  const key = (bytes: Uint8Array, algorithm: PublicKeyObject['algorithm'] = KeyAlgorithm.P256): VscObject => ({
    kind: 'key',
    name: 'PIV AUTH key',
    slot: 0x9a,
    algorithm,
    spki: bytes,
    escrow: 'on-card',
    origin: 'generated',
    pinPolicy: 0,
    touchPolicy: 0,
  });

  it('gives a key the same verdict each time, and a changed copy of its bytes its own', () => {
    for (let i = 0; i < 3; i++) expect(() => checkObject(key(spki))).not.toThrow();
    expect(() => checkObject(key(spki, KeyAlgorithm.P384))).toThrow(/does not match its algorithm/);
    const bent = Buffer.from(spki);
    bent[bent.length - 1] ^= 0x01; // off the curve
    expect(() => checkObject(key(bent))).toThrow(VscError);
    expect(() => checkObject(key(bent))).toThrow(/does not match its algorithm/);
    expect(() => checkObject(key(spki))).not.toThrow();
  });

  it('gives a certificate the same verdict each time, and a cut copy of its bytes its own', async () => {
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const made = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: '01',
        name: 'CN=check',
        notBefore: new Date(),
        notAfter: new Date(Date.now() + 86_400_000),
        keys,
        signingAlgorithm: alg,
      },
      webcrypto as never,
    );
    const cert: VscObject = { kind: 'certificate', name: 'PIV AUTH certificate', slot: 0x9a, der: new Uint8Array(made.rawData) };
    for (let i = 0; i < 3; i++) expect(() => checkObject(cert)).not.toThrow();
    const cut = { ...cert, der: new Uint8Array(made.rawData).subarray(0, made.rawData.byteLength - 1) };
    expect(() => checkObject(cut)).toThrow(/not a DER X.509 certificate/);
    expect(() => checkObject(cut)).toThrow(/not a DER X.509 certificate/);
    expect(() => checkObject(cert)).not.toThrow();
  });
});
