// @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import { randomSerial } from '@scm/common';
import * as x509 from '@peculiar/x509';
import type { KeyPolicy } from '../backend/piv-card-backend.port';
import { KeyAlgorithm, type KeyAlgorithmId } from '../piv.constants';
import { algorithmOf, generatePrivateKey } from './key-ops';

/** Yubico's attestation extensions (firmware, serial, policies, form factor). */
export const YubicoAttestationOid = {
  FIRMWARE: '1.3.6.1.4.1.41482.3.3',
  SERIAL: '1.3.6.1.4.1.41482.3.7',
  POLICY: '1.3.6.1.4.1.41482.3.8',
  FORM_FACTOR: '1.3.6.1.4.1.41482.3.9',
} as const;

// @peculiar/x509 speaks DOM WebCrypto types, which this Node-only project does not load: borrow them from its signatures.
type X509Crypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
type X509CreateParams = Parameters<typeof x509.X509CertificateGenerator.create>[0];
type X509CryptoKey = Extract<X509CreateParams, { signingKey: unknown }>['signingKey'];
type X509Algorithm = NonNullable<X509CreateParams['signingAlgorithm']>;

// Passed explicitly: other parts of SCM point @peculiar/x509's global provider at the HSM.
const crypto = webcrypto as unknown as X509Crypto;
const subtle = webcrypto.subtle;

/** The card's attestation authority: the F9 key and its certificate. */
export interface AttestationAuthority {
  readonly privateKey: KeyObject;
  /** DER certificate of the F9 key (the Yubico object 5FFF01 holds it in a 70/71/FE container). */
  readonly certificate: Uint8Array;
}

function signingParams(key: KeyObject): {
  algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
  signing: webcrypto.Algorithm;
} {
  const alg = algorithmOf(key);
  if (alg === KeyAlgorithm.P256)
    return { algorithm: { name: 'ECDSA', namedCurve: 'P-256' }, signing: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams };
  if (alg === KeyAlgorithm.P384)
    return { algorithm: { name: 'ECDSA', namedCurve: 'P-384' }, signing: { name: 'ECDSA', hash: 'SHA-384' } as webcrypto.EcdsaParams };
  if (alg !== undefined) return { algorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, signing: { name: 'RSASSA-PKCS1-v1_5' } };
  throw new RangeError('unsupported attestation key');
}

async function cryptoKeys(privateKey: KeyObject): Promise<{ privateKey: X509CryptoKey; publicKey: X509CryptoKey; signing: X509Algorithm }> {
  const p = signingParams(privateKey);
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    privateKey: (await subtle.importKey('pkcs8', der, p.algorithm, false, ['sign'])) as unknown as X509CryptoKey,
    publicKey: (await subtle.importKey('spki', spki, p.algorithm, true, ['verify'])) as unknown as X509CryptoKey,
    signing: p.signing as X509Algorithm,
  };
}

/**
 * Makes an attestation authority for a card (P-256), as a YubiKey's factory-loaded F9: self-signed,
 * or issued by a vendor root (`issuer`), as Yubico's F9 certificates chain to Yubico's root.
 */
export async function createAttestationAuthority(
  cardSerial: number,
  algorithm: KeyAlgorithmId = KeyAlgorithm.P256,
  issuer?: AttestationAuthority,
): Promise<AttestationAuthority> {
  const privateKey = await generatePrivateKey(algorithm);
  const keys = await cryptoKeys(privateKey);
  const now = Date.now();
  const common = {
    serialNumber: randomSerial(),
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 20 * 365 * 86_400_000),
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  };
  const name = `CN=SCM Software PIV Attestation ${cardSerial}`;
  if (!issuer) {
    const cert = await x509.X509CertificateGenerator.createSelfSigned(
      { ...common, name, keys: { privateKey: keys.privateKey, publicKey: keys.publicKey }, signingAlgorithm: keys.signing },
      crypto,
    );
    return { privateKey, certificate: new Uint8Array(cert.rawData) };
  }
  const parent = await cryptoKeys(issuer.privateKey);
  const cert = await x509.X509CertificateGenerator.create(
    {
      ...common,
      subject: name,
      issuer: new x509.X509Certificate(issuer.certificate).subjectName,
      publicKey: keys.publicKey,
      signingKey: parent.privateKey,
      signingAlgorithm: parent.signing,
    },
    crypto,
  );
  return { privateKey, certificate: new Uint8Array(cert.rawData) };
}

function derUnsignedInteger(n: number): Uint8Array {
  let hex = (n >>> 0).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let b = Buffer.from(hex, 'hex');
  if (b[0] & 0x80) b = Buffer.concat([Buffer.of(0), b]);
  return Uint8Array.from([0x02, b.length, ...b]);
}

export interface AttestedKey {
  readonly slot: number;
  readonly publicKey: KeyObject;
  readonly policy: KeyPolicy;
}

/**
 * A YubiKey-style attestation certificate: subject "YubiKey PIV Attestation <slot>", the slot's
 * public key, Yubico's firmware/serial/policy/form-factor extensions, issued and signed by F9,
 * with F9's validity.
 */
export async function attestationCertificate(
  authority: AttestationAuthority,
  key: AttestedKey,
  card: { serial: number; version: readonly [number, number, number] },
): Promise<Uint8Array> {
  const issuer = new x509.X509Certificate(authority.certificate);
  const keys = await cryptoKeys(authority.privateKey);
  const spki = key.publicKey.export({ format: 'der', type: 'spki' });
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: `CN=YubiKey PIV Attestation ${key.slot.toString(16)}`,
      issuer: issuer.subjectName,
      notBefore: issuer.notBefore,
      notAfter: issuer.notAfter,
      publicKey: spki,
      signingKey: keys.privateKey,
      signingAlgorithm: keys.signing,
      extensions: [
        new x509.Extension(YubicoAttestationOid.FIRMWARE, false, Uint8Array.from(card.version)),
        new x509.Extension(YubicoAttestationOid.SERIAL, false, derUnsignedInteger(card.serial)),
        new x509.Extension(YubicoAttestationOid.POLICY, false, Uint8Array.of(key.policy.pin, key.policy.touch)),
        new x509.Extension(YubicoAttestationOid.FORM_FACTOR, false, Uint8Array.of(0x00)),
      ],
    },
    crypto,
  );
  return new Uint8Array(cert.rawData);
}
