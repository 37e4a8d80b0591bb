import { diffieHellman, generateKeyPairSync, privateDecrypt, constants, sign, createPublicKey, webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { unpadPkcs1v15Encryption } from '@scm/piv';
import { keyManagementAnswerMatches, keyManagementChallenge, proofMessage, verifyProof } from './proof';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

async function certFor(publicKeyDer: Buffer): Promise<Buffer> {
  const ca = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const c = await x509.X509CertificateGenerator.create({
    subject: 'CN=card',
    issuer: 'CN=ca',
    notBefore: new Date(Date.now() - 1000),
    notAfter: new Date(Date.now() + 86400_000),
    publicKey: new Uint8Array(publicKeyDer),
    signingKey: ca.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams,
  });
  return Buffer.from(c.rawData);
}

describe('proof of possession of a card key', () => {
  const nonce = Buffer.alloc(32, 7);

  it('binds the message to request, card, slot and nonce', () => {
    const m = proofMessage('r1', 'c1', '9A', nonce).toString();
    expect(m).toBe(`scm-card-proof-v1|r1|c1|9a|${'07'.repeat(32)}`);
    expect(proofMessage('r1', 'c1', '9c', nonce).equals(proofMessage('r1', 'c1', '9a', nonce))).toBe(false);
  });

  it('accepts the right key and refuses another (RSA and EC)', async () => {
    for (const kind of ['rsa', 'ec'] as const) {
      const pair =
        kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const other =
        kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const cert = await certFor(pair.publicKey.export({ format: 'der', type: 'spki' }));
      const m = proofMessage('r', 'c', '9a', nonce);
      const opts = kind === 'rsa' ? { padding: constants.RSA_PKCS1_PADDING } : { dsaEncoding: 'der' as const };
      expect(verifyProof(cert, m, sign('sha256', m, { key: pair.privateKey, ...opts }))).toBe(true);
      expect(verifyProof(cert, m, sign('sha256', m, { key: other.privateKey, ...opts }))).toBe(false);
      expect(verifyProof(cert, proofMessage('r', 'c', '9c', nonce), sign('sha256', m, { key: pair.privateKey, ...opts }))).toBe(false);
      expect(verifyProof(cert, m, Buffer.from('junk'))).toBe(false);
    }
  });

  it('tests an RSA key-management key by decryption and keeps only a hash of the secret', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ch = keyManagementChallenge(await certFor(pair.publicKey.export({ format: 'der', type: 'spki' })));
    expect(ch.kind).toBe('rsa-decrypt');
    // What the card does: the raw RSA operation, then the PKCS#1 v1.5 padding removed by the host.
    const secret = Buffer.from(
      unpadPkcs1v15Encryption(privateDecrypt({ key: pair.privateKey, padding: constants.RSA_NO_PADDING }, ch.input)),
    );
    expect(keyManagementAnswerMatches(secret, ch.check)).toBe(true);
    expect(keyManagementAnswerMatches(Buffer.alloc(32), ch.check)).toBe(false);
    expect(ch.check.equals(secret)).toBe(false);
  });

  it('tests an EC key-management key by ECDH', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const ch = keyManagementChallenge(await certFor(pair.publicKey.export({ format: 'der', type: 'spki' })));
    expect(ch.kind).toBe('ecdh');
    const shared = diffieHellman({
      privateKey: pair.privateKey,
      publicKey: createPublicKey({ key: ch.input, format: 'der', type: 'spki' }),
    });
    expect(keyManagementAnswerMatches(shared, ch.check)).toBe(true);
  });
});
