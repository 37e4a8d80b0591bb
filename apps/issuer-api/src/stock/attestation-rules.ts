import { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** Yubico's PIV attestation extension holding the card's serial (an INTEGER). */
export const YUBICO_SERIAL_OID = '1.3.6.1.4.1.41482.3.7';

/** What a worker sends with an on-card key of attestation stock: the slot's attestation (F9 ATTEST) and the card's F9 certificate. */
export interface OnCardAttestationInput {
  /** DER of the attestation certificate of the slot's key. */
  certificate: Buffer;
  /** DER of the card's attestation (F9) certificate, issued by the vendor's root. */
  intermediate: Buffer;
}

/** The serial in Yubico's extension: the DER INTEGER as a decimal string, or undefined. */
export function attestedSerial(der: Buffer): string | undefined {
  let ext: x509.Extension | null;
  try {
    // node:crypto accepted these bytes before this runs; @peculiar/x509's stricter ASN.1 schemas
    // may not (a Name it cannot map): that is "no serial", not an exception out of the claim.
    ext = new x509.X509Certificate(der).getExtension(YUBICO_SERIAL_OID);
  } catch {
    return undefined;
  }
  if (!ext) return undefined;
  const v = Buffer.from(ext.value);
  if (v.length < 3 || v[0] !== 0x02 || v[1] !== v.length - 2 || v[1] > 8) return undefined;
  return BigInt(`0x${v.subarray(2).toString('hex')}`).toString(10);
}

const spkiOf = (c: X509Certificate): Buffer => c.publicKey.export({ format: 'der', type: 'spki' });

/**
 * Why an attestation does not prove that the key `spki` was generated on the card `serial` of stock
 * whose vendor root is `root`, or undefined when it does: the F9 certificate is signed by the root,
 * the slot's attestation by the F9 key, both are valid now, the attested serial is the card's and
 * the attested key is the submitted one.
 */
export function attestationProblem(
  a: OnCardAttestationInput | undefined,
  expected: { root: Buffer; serial: string; spki: Buffer; now: Date },
): string | undefined {
  if (!a) return 'no attestation was sent for a key of attestation stock';
  let att: X509Certificate;
  let f9: X509Certificate;
  let root: X509Certificate;
  try {
    att = new X509Certificate(a.certificate);
    f9 = new X509Certificate(a.intermediate);
    root = new X509Certificate(expected.root);
  } catch {
    return 'the attestation is not made of X.509 certificates';
  }
  if (!f9.checkIssued(root) || !f9.verify(root.publicKey))
    return "the card's attestation certificate is not signed by the stock's vendor root";
  if (!att.checkIssued(f9) || !att.verify(f9.publicKey)) return "the key's attestation is not signed by the card's attestation key";
  const t = expected.now.getTime();
  for (const c of [att, f9])
    if (Date.parse(c.validFrom) > t || Date.parse(c.validTo) < t) return 'an attestation certificate is not valid now';
  const serial = attestedSerial(a.certificate);
  if (serial !== expected.serial) return `the attestation names card ${serial ?? '(no serial)'}, not card ${expected.serial}`;
  if (!spkiOf(att).equals(expected.spki)) return 'the attested key is not the submitted key';
  return undefined;
}
