import 'reflect-metadata';
import { createPrivateKey, generateKeyPairSync, type KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { ByteTransport } from '@scm/apdu';
import { PivCard, SoftPivBackend, type SoftPivBackendOptions } from '@scm/card-engine';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A software PIV card driven in-process (no pcscd): its transmit is the card's. */
export function inProcessCard(opts: SoftPivBackendOptions = {}): { card: PivCard; transport: ByteTransport & { count: number } } {
  const card = new PivCard(new SoftPivBackend({ serial: 12345678, ...opts }));
  card.powerOn();
  const transport = {
    count: 0,
    async transmit(apdu: Uint8Array): Promise<Uint8Array> {
      transport.count++;
      return card.transmit(apdu);
    },
  };
  return { card, transport };
}

let ca: { keys: webcrypto.CryptoKeyPair; name: string } | undefined;

async function testCa(): Promise<{ keys: webcrypto.CryptoKeyPair; name: string }> {
  ca ??= {
    keys: (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair,
    name: 'CN=SCM Test CA',
  };
  return ca;
}

/** A certificate for a card key (given as SPKI DER), issued by a throw-away test CA. */
export async function certificateFor(spki: Uint8Array, subject: string, days = 365): Promise<Uint8Array> {
  const { keys, name } = await testCa();
  const notBefore = new Date(Date.now() - 60_000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject,
    issuer: name,
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * 86400_000),
    publicKey: spki,
    signingKey: keys.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams,
  });
  return new Uint8Array(cert.rawData);
}

/** A fresh software key pair (node KeyObjects). */
export function softwareKey(kind: 'rsa2048' | 'rsa3072' | 'p256' | 'p384'): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (kind) {
    case 'rsa2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa3072':
      return generateKeyPairSync('rsa', { modulusLength: 3072 });
    case 'p256':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    case 'p384':
      return generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  }
}

/** A deterministic RSA-2048 private key is too slow to make per test; this caches one per kind. */
const cached = new Map<string, KeyObject>();
export function cachedKey(kind: 'rsa2048' | 'rsa3072' | 'p256' | 'p384'): KeyObject {
  let k = cached.get(kind);
  if (!k) {
    k = createPrivateKey(softwareKey(kind).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    cached.set(kind, k);
  }
  return k;
}
