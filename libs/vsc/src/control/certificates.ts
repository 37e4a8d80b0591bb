import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { randomSerial } from '@scm/common';
import * as x509 from '@peculiar/x509';
import { wipe } from '../format/bytes';
import { isRsa, spkiOf } from './keys';
import type { VirtualSmartCard } from './virtual-smart-card';

type SelfSignedParams = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0];

/**
 * A self-signed certificate for a slot's key (tests, standalone VSCs without a CA): CN as given,
 * the VSC's UUID as a SAN URI (urn:uuid:…) as the card profile puts it, valid `days` days.
 */
export async function selfSignedCertificate(vsc: VirtualSmartCard, slot: number, commonName: string, days = 365): Promise<Buffer> {
  const { pkcs8, algorithm } = vsc.withPrivateKey(slot, (k, alg) => ({
    pkcs8: k.export({ format: 'der', type: 'pkcs8' }),
    algorithm: alg,
  }));
  const spki = vsc.withPrivateKey(slot, (k) => spkiOf(k));
  try {
    const rsa = isRsa(algorithm);
    const curve = rsa ? undefined : vsc.publicKey(slot)?.algorithm === 0x14 ? 'P-384' : 'P-256';
    const alg = rsa
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: curve, hash: curve === 'P-384' ? 'SHA-384' : 'SHA-256' };
    const subtle = webcrypto.subtle;
    const privateKey = await subtle.importKey('pkcs8', pkcs8, alg, false, ['sign']);
    const publicKey = await subtle.importKey('spki', spki, alg, true, ['verify']);
    const now = Date.now();
    const serial = randomSerial();
    const cert = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: serial,
        name: new x509.Name([{ CN: [commonName] }]),
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + days * 86_400_000),
        signingAlgorithm: alg,
        keys: { privateKey, publicKey } as unknown as SelfSignedParams['keys'],
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(
            x509.KeyUsageFlags.digitalSignature | (rsa ? x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.keyAgreement),
            true,
          ),
          new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `urn:uuid:${vsc.id}` }]),
        ],
      },
      webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1],
    );
    return Buffer.from(cert.rawData);
  } finally {
    wipe(pkcs8);
  }
}
