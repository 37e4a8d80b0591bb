import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs it loaded first
import type * as x509 from '@peculiar/x509';
import type { HsmContext, HsmSigningKey } from '@scm/hsm';

/*
 * @peculiar/x509 types its parameters with the DOM WebCrypto types, which this Node project
 * does not load; these aliases name them through its own signatures.
 */
type CreateParams = Parameters<typeof x509.X509CertificateGenerator.create>[0];
type X509CryptoKey = Extract<CreateParams, { signingKey: unknown }>['signingKey'];
type X509Algorithm = NonNullable<CreateParams['signingAlgorithm']>;
type X509Crypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;

/** The HSM WebCrypto provider, typed for @peculiar/x509. */
export const x509Crypto = (hsm: HsmContext): X509Crypto => hsm.crypto as unknown as X509Crypto;

/** Signing key and algorithm of an HSM key, typed for @peculiar/x509. */
export function x509Signing(key: HsmSigningKey): { signingKey: X509CryptoKey; signingAlgorithm: X509Algorithm } {
  return { signingKey: key.privateKey as unknown as X509CryptoKey, signingAlgorithm: key.signingAlgorithm as unknown as X509Algorithm };
}

/** Both halves of an HSM key pair, typed for @peculiar/x509 (self-signed certificates, CSRs). */
export function x509KeyPair(key: HsmSigningKey): { privateKey: X509CryptoKey; publicKey: X509CryptoKey } {
  return { privateKey: key.privateKey as unknown as X509CryptoKey, publicKey: key.publicKey as unknown as X509CryptoKey };
}
