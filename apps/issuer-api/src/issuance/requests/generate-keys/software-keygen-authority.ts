import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { type IssueCertificateRequest, type IssuedCertificate, randomSerial } from '@scm/ca';
import type { VirtualSmartCard } from '@scm/vsc';
import type { TxScope } from '../../../platform/infra/unit-of-work';
import { CARD_OBJECT } from './card-content';
import type { KeygenAuthority } from './keygen-authority.port';

const DAY_MS = 86_400_000;
type Crypto = Parameters<typeof x509.X509CertificateGenerator.create>[1];
type CreateParams = Extract<Parameters<typeof x509.X509CertificateGenerator.create>[0], { signingKey: unknown }>;

/**
 * A CA with a software key, for specs of key generation (the HSM one is tested on SoftHSM2): it
 * issues real certificates for the public keys it is given, and writes placeholder card objects.
 */
export class SoftwareKeygenAuthority implements KeygenAuthority {
  readonly requests: IssueCertificateRequest[] = [];
  resets = 0;
  /** Runs while the card objects are written, before the transaction of the step: lets a spec move the request meanwhile. */
  whileWriting?: () => void;
  private keys: Promise<webcrypto.CryptoKeyPair> | undefined;

  constructor(private readonly notAfter = new Date('2030-01-01T00:00:00Z')) {}

  async writeCardObjects(vsc: VirtualSmartCard, validityDays: number, now: Date): Promise<Date> {
    this.whileWriting?.();
    for (const o of Object.values(CARD_OBJECT)) {
      vsc.putData({ name: o.name, area: 'public', value: Buffer.from(`${o.name} of ${vsc.id}`), cardTag: o.tag });
    }
    return new Date(Math.min(now.getTime() + validityDays * DAY_MS, this.notAfter.getTime()));
  }

  async issue(_tx: TxScope, requests: readonly IssueCertificateRequest[]): Promise<IssuedCertificate[]> {
    this.keys ??= webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ]) as Promise<webcrypto.CryptoKeyPair>;
    const keys = await this.keys;
    return Promise.all(
      requests.map(async (r) => {
        this.requests.push(r);
        // As the HSM CA makes them: 16 random bytes, positive, never a leading zero byte (a serial
        // with one reads back from the certificate one byte shorter; a spec compared the two).
        const serial = randomSerial();
        const subject = typeof r.subject === 'string' ? r.subject : `CN=${r.subject?.commonName ?? r.identity.cardUuid ?? 'card'}`;
        const notBefore = new Date(Date.now() - 60_000);
        const notAfter = r.validity?.notAfter ?? this.notAfter;
        const cert = await x509.X509CertificateGenerator.create(
          {
            serialNumber: serial,
            subject,
            issuer: 'CN=Software test CA',
            notBefore,
            notAfter,
            publicKey: r.publicKey,
            signingKey: keys.privateKey as unknown as CreateParams['signingKey'],
            signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
          },
          webcrypto as unknown as Crypto,
        );
        return {
          caId: 'software-test-ca',
          serial,
          template: r.template,
          subject,
          notBefore,
          notAfter,
          der: Buffer.from(cert.rawData),
          pem: cert.toString('pem'),
        };
      }),
    );
  }

  reset(): void {
    this.resets++;
  }
}
