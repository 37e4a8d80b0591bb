import { X509Certificate, createHash, createVerify, verify as nodeVerify, type KeyObject } from 'node:crypto';

/** id-kp-documentSigning (RFC 9336): the extended key usage of the archive signer certificate. */
export const DOCUMENT_SIGNING_EKU = '1.3.6.1.5.5.7.3.36';

export const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

// Parsing a certificate costs far more than verifying a signature; the same few certificates
// come back in every volume (and in every copy a tamper sweep checks), so parsed ones are kept.
const parsed = new Map<string, X509Certificate>();
const keys = new WeakMap<X509Certificate, KeyObject>();

/** A parsed certificate (cached by its DER bytes; certificates are immutable). Throws on bad DER. */
export function parseCertificate(der: Uint8Array): X509Certificate {
  const k = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let c = parsed.get(k);
  if (!c) {
    c = new X509Certificate(Buffer.from(der));
    if (parsed.size >= 256) parsed.delete(parsed.keys().next().value as string);
    parsed.set(k, c);
  }
  return c;
}

/** The public key of a certificate as a KeyObject (cached per certificate). */
function publicKeyOf(c: X509Certificate): KeyObject {
  let k = keys.get(c);
  if (!k) keys.set(c, (k = c.publicKey));
  return k;
}
export const sha256Hex = (b: Uint8Array): string => sha256(b).toString('hex');

/**
 * True when `sig` is an ECDSA-Sig-Value in strict DER: SEQUENCE of two minimal positive INTEGERs
 * and nothing after. Lenient parsers accept other encodings of the same values; refusing them
 * means a changed byte in a signature is always a failed check.
 */
export function isStrictDerEcdsa(sig: Uint8Array): boolean {
  if (sig.length < 8 || sig[0] !== 0x30) return false;
  let p = 1;
  let len = sig[p++];
  if (len === 0x81) {
    len = sig[p++];
    if (len < 0x80) return false;
  } else if (len > 0x80) return false;
  if (p + len !== sig.length) return false;
  for (let i = 0; i < 2; i++) {
    if (sig[p++] !== 0x02) return false;
    const n = sig[p++];
    if (n === undefined || n === 0 || n > 0x7f || p + n > sig.length) return false;
    if (sig[p] & 0x80) return false;
    if (n > 1 && sig[p] === 0 && !(sig[p + 1] & 0x80)) return false;
    p += n;
  }
  return p === sig.length;
}

/** Verifies a strict-DER ECDSA signature (SHA-256 or SHA-384) with a certificate's or SPKI's key. */
export function verifyEcdsa(algorithm: string, data: Uint8Array, sig: Uint8Array, key: X509Certificate | KeyObject): boolean {
  if (!isStrictDerEcdsa(sig)) return false;
  const hash = algorithm === 'ECDSA-SHA384' ? 'sha384' : algorithm === 'ECDSA-SHA256' ? 'sha256' : undefined;
  if (!hash) return false;
  try {
    return nodeVerify(hash, data, key instanceof X509Certificate ? publicKeyOf(key) : key, sig);
  } catch {
    return false;
  }
}

/**
 * verifyEcdsa over data given in parts (a manifest read a chunk at a time): feed every part to
 * `update`, then `verify`. The algorithm may be learnt after the data (the manifest names it at
 * its end), so both hashes are taken.
 */
export function streamingEcdsaVerifier(): {
  update(part: Uint8Array): void;
  verify(algorithm: string, sig: Uint8Array, key: X509Certificate | KeyObject): boolean;
} {
  const by = { 'ECDSA-SHA256': createVerify('sha256'), 'ECDSA-SHA384': createVerify('sha384') };
  return {
    update(part) {
      by['ECDSA-SHA256'].update(part);
      by['ECDSA-SHA384'].update(part);
    },
    verify(algorithm, sig, key) {
      const v = by[algorithm as keyof typeof by];
      if (!v || !isStrictDerEcdsa(sig)) return false;
      try {
        return v.verify(key instanceof X509Certificate ? publicKeyOf(key) : key, Buffer.from(sig));
      } catch {
        return false;
      }
    },
  };
}

/** The SubjectPublicKeyInfo of a certificate, DER. */
export const spkiOf = (cert: X509Certificate): Buffer => cert.publicKey.export({ type: 'spki', format: 'der' });

/** SHA-256 fingerprint of a DER certificate, as `ab:cd:…` for people to compare. */
export function fingerprintText(der: Uint8Array): string {
  return sha256Hex(der).replace(/(..)(?!$)/g, '$1:');
}

/** PEM bundle of DER certificates in one canonical text form (64-character lines). */
export function encodePemBundle(ders: readonly Uint8Array[]): Buffer {
  return Buffer.from(
    ders
      .map(
        (d) =>
          `-----BEGIN CERTIFICATE-----\n${(
            Buffer.from(d)
              .toString('base64')
              .match(/.{1,64}/g) ?? []
          ).join('\n')}\n-----END CERTIFICATE-----\n`,
      )
      .join(''),
    'latin1',
  );
}

/** Reads a PEM bundle (any line layout) or a single DER certificate; returns the DER of each certificate. */
export function readCertificates(bytes: Uint8Array): Buffer[] {
  const b = Buffer.from(bytes);
  if (b[0] === 0x30) return [Buffer.from(parseCertificate(b).raw)];
  const text = b.toString('latin1');
  const out: Buffer[] = [];
  for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    const der = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
    out.push(Buffer.from(parseCertificate(der).raw));
  }
  if (!out.length) throw new Error('no certificate found');
  return out;
}

export interface ChainResult {
  ok: boolean;
  /** Which given certificate the chain ended at, when trusted. */
  anchor?: { subject: string; fingerprint: string };
  problems: string[];
}

const validAt = (c: X509Certificate, at: Date): boolean => Date.parse(c.validFrom) <= at.getTime() && at.getTime() <= Date.parse(c.validTo);

/**
 * Checks that `chain` (signer first, then its issuers) leads to one of the `anchors`: each
 * certificate signed by the next, issuers are CAs, all valid at `at`, the signer allowed to sign
 * documents. An anchor may be in the chain (the root or the issuing CA) or issue its last element.
 */
export function verifyChain(chain: readonly Uint8Array[], anchors: readonly Uint8Array[], at: Date): ChainResult {
  const problems: string[] = [];
  let certs: X509Certificate[];
  let trusted: X509Certificate[];
  try {
    certs = chain.map(parseCertificate);
    trusted = anchors.map(parseCertificate);
  } catch (e) {
    return { ok: false, problems: [`a certificate does not parse: ${(e as Error).message}`] };
  }
  if (!certs.length) return { ok: false, problems: ['no signer certificate'] };
  const signer = certs[0];
  const eku = signer.keyUsage;
  if (eku && eku.length && !eku.includes(DOCUMENT_SIGNING_EKU)) problems.push('the signer certificate is not for document signing');
  const isAnchor = (c: X509Certificate): X509Certificate | undefined => trusted.find((t) => t.raw.equals(c.raw));
  for (let i = 0; i < certs.length; i++) {
    const c = certs[i];
    if (!validAt(c, at)) problems.push(`certificate "${c.subject.replace(/\n/g, ', ')}" was not valid at ${at.toISOString()}`);
    const a = isAnchor(c);
    if (a) return done(a);
    const next = certs[i + 1] ?? trusted.find((t) => c.checkIssued(t));
    if (!next) {
      problems.push('the chain does not lead to the given issuer certificate');
      return { ok: false, problems };
    }
    if (!c.checkIssued(next) || !c.verify(next.publicKey)) {
      problems.push(`certificate "${c.subject.replace(/\n/g, ', ')}" is not signed by "${next.subject.replace(/\n/g, ', ')}"`);
      return { ok: false, problems };
    }
    if (!next.ca) problems.push(`"${next.subject.replace(/\n/g, ', ')}" is not a CA certificate`);
    if (!certs[i + 1]) {
      if (!validAt(next, at)) problems.push(`certificate "${next.subject.replace(/\n/g, ', ')}" was not valid at ${at.toISOString()}`);
      return done(next);
    }
  }
  problems.push('the chain does not lead to the given issuer certificate');
  return { ok: false, problems };

  function done(a: X509Certificate): ChainResult {
    return {
      ok: problems.length === 0,
      anchor: { subject: a.subject.replace(/\n/g, ', '), fingerprint: fingerprintText(a.raw) },
      problems,
    };
  }
}
