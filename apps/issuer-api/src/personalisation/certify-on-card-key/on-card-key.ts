import { createPublicKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** The algorithm name of an SPKI as profiles spell it, or undefined (not a key, or not one a profile names). */
export function spkiAlgorithm(spki: Uint8Array): string | undefined {
  try {
    const k = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    const d = k.asymmetricKeyDetails ?? {};
    if (k.asymmetricKeyType === 'rsa' && d.publicExponent === 65537n) return `rsa${d.modulusLength}`;
    if (k.asymmetricKeyType === 'ec') return d.namedCurve === 'prime256v1' ? 'p256' : d.namedCurve === 'secp384r1' ? 'p384' : undefined;
  } catch {
    return undefined;
  }
  return undefined;
}

/** The SPKI re-encoded (DER), so that one key always compares equal to itself. */
export const normalisedSpki = (spki: Uint8Array): Buffer =>
  Buffer.from(createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ format: 'der', type: 'spki' }));

/** Whether a certificate (DER) certifies exactly this public key (normalised SPKI). */
export const certifiesKey = (certificateDer: Uint8Array, spki: Buffer): boolean =>
  Buffer.from(new x509.X509Certificate(Buffer.from(certificateDer)).publicKey.rawData).equals(spki);
