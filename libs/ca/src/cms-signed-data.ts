import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs it loaded first
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifier,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignatureAlgorithmIdentifier,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { Certificate } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import type { HsmSigningKey } from '@scm/hsm';
import { CaError, CaErrorCode } from './ca-errors';
import { OID } from './oids';

/** A key in the HSM and its certificate: what signs PIV objects (the content signer). */
export interface CmsSigner {
  key: HsmSigningKey;
  certificate: x509.X509Certificate;
}

const NULL = new Uint8Array([0x05, 0x00]).buffer;

/**
 * CMS SignedData (RFC 5652) as SP 800-73-4 asks for PIV objects: one SignerInfo identified by
 * issuer and serial, signed attributes content-type and message-digest, the signer's
 * certificate included, SHA-256 (SHA-384 for a P-384 signer). `detached` leaves eContent out
 * (the CHUID signature covers the CHUID's own fields, stored beside it on the card).
 */
export async function signCms(signer: CmsSigner, eContentType: string, content: Uint8Array, opts: { detached: boolean }): Promise<Buffer> {
  const hash = signer.key.hash;
  const digestOid = hash === 'SHA-384' ? OID.sha384 : OID.sha256;
  const digest = createHash(hash === 'SHA-384' ? 'sha384' : 'sha256')
    .update(content)
    .digest();
  const attrs = [
    new Attribute({ attrType: OID.cmsContentType, attrValues: [new Uint8Array(derOid(eContentType)).buffer] }),
    new Attribute({ attrType: OID.cmsMessageDigest, attrValues: [AsnConvert.serialize(new OctetString(new Uint8Array(digest)))] }),
  ];
  // DER SET OF: elements sorted by their encodings; the signature covers the SET (tag 31).
  const encoded = attrs.map((a) => ({ a, der: Buffer.from(AsnConvert.serialize(a)) })).sort((x, y) => Buffer.compare(x.der, y.der));
  const signedAttrs = encoded.map((e) => e.a);
  const toBeSigned = derTlv(0x31, Buffer.concat(encoded.map((e) => e.der)));
  const signature = await signer.key.sign(toBeSigned);
  const cert = AsnConvert.parse(signer.certificate.rawData, Certificate);
  const signerInfo = new SignerInfo({
    version: CMSVersion.v1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: cert.tbsCertificate.issuer,
        serialNumber: cert.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: new DigestAlgorithmIdentifier({ algorithm: digestOid }),
    signedAttrs,
    signatureAlgorithm: new SignatureAlgorithmIdentifier(signatureAlgorithm(signer.key)),
    signature: new OctetString(signature),
  });
  const signedData = new SignedData({
    // RFC 5652 5.1: version 3 when eContentType is not id-data.
    version: CMSVersion.v3,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new DigestAlgorithmIdentifier({ algorithm: digestOid })]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType,
      eContent: opts.detached ? undefined : new EncapsulatedContent({ single: new OctetString(content) }),
    }),
    certificates: new CertificateSet([new CertificateChoices({ certificate: cert })]),
    signerInfos: new SignerInfos([signerInfo]),
  });
  const out = Buffer.from(
    AsnConvert.serialize(new ContentInfo({ contentType: OID.cmsSignedData, content: AsnConvert.serialize(signedData) })),
  );
  // The encoder must have kept our sorted order, or the signature would not verify anywhere.
  const back = AsnConvert.parse(AsnConvert.parse(out, ContentInfo).content, SignedData).signerInfos[0];
  if (back.signedAttrsRaw && !signedAttrsForVerify(back).equals(toBeSigned)) {
    throw new CaError(CaErrorCode.SignatureInvalid, 'CMS encoder reordered the signed attributes', {});
  }
  return out;
}

export interface VerifiedCms {
  eContentType: string;
  /** The signed content: eContent, or the detached content given to the verifier. */
  content: Buffer;
  signer: x509.X509Certificate;
}

/**
 * Verifies a CMS SignedData made by {@link signCms} (or any single-signer SignedData with
 * signed attributes): the content type, the message digest, the signature with the included
 * signer certificate, the signer's issuer when trusted CA certificates are given, and an
 * expected signer EKU. CaError SignatureInvalid on any failure.
 */
export async function verifyCms(
  der: Uint8Array,
  opts: { content?: Uint8Array; eContentType?: string; trustedIssuers?: x509.X509Certificate[]; requiredEku?: string; at?: Date } = {},
): Promise<VerifiedCms> {
  const fail = (why: string, cause?: unknown): never => {
    throw new CaError(CaErrorCode.SignatureInvalid, `CMS signature invalid: ${why}`, {}, { cause });
  };
  let sd: SignedData;
  try {
    const ci = AsnConvert.parse(Buffer.from(der), ContentInfo);
    if (ci.contentType !== OID.cmsSignedData) fail(`content type ${ci.contentType} is not SignedData`);
    sd = AsnConvert.parse(ci.content, SignedData);
  } catch (e) {
    if (e instanceof CaError) throw e;
    return fail('not a CMS SignedData', e);
  }
  const eContentType = sd.encapContentInfo.eContentType;
  if (opts.eContentType && eContentType !== opts.eContentType) fail(`eContentType ${eContentType}, expected ${opts.eContentType}`);
  const embedded = sd.encapContentInfo.eContent?.single ? Buffer.from(sd.encapContentInfo.eContent.single.buffer) : undefined;
  const content = embedded ?? (opts.content ? Buffer.from(opts.content) : undefined);
  if (!content) return fail('detached signature and no content given');
  if (embedded && opts.content && !embedded.equals(Buffer.from(opts.content))) fail('the embedded content differs from the given content');
  if (sd.signerInfos.length !== 1) fail(`${sd.signerInfos.length} signers, expected 1`);
  const si = sd.signerInfos[0];
  const ias = si.sid.issuerAndSerialNumber;
  const signerCert = (sd.certificates ?? [])
    .map((c) => c.certificate)
    .find(
      (c) =>
        c &&
        ias &&
        Buffer.from(c.tbsCertificate.serialNumber).equals(Buffer.from(ias.serialNumber)) &&
        Buffer.from(AsnConvert.serialize(c.tbsCertificate.issuer)).equals(Buffer.from(AsnConvert.serialize(ias.issuer))),
    );
  if (!signerCert) return fail('the signer certificate is not in the SignedData');
  const signer = new x509.X509Certificate(AsnConvert.serialize(signerCert));
  if (!si.signedAttrs?.length) fail('no signed attributes');
  const attr = (oid: string) => si.signedAttrs?.find((a) => a.attrType === oid);
  const ct = attr(OID.cmsContentType);
  if (!ct || !Buffer.from(ct.attrValues[0]).equals(derOid(eContentType))) fail('content-type attribute missing or different');
  const md = attr(OID.cmsMessageDigest);
  const hashName =
    si.digestAlgorithm.algorithm === OID.sha384
      ? 'sha384'
      : si.digestAlgorithm.algorithm === OID.sha256
        ? 'sha256'
        : fail('unsupported digest');
  const digest = createHash(hashName).update(content).digest();
  const mdValue = md && AsnConvert.parse(md.attrValues[0], OctetString);
  if (!mdValue || !Buffer.from(mdValue.buffer).equals(digest)) fail('message digest does not match the content');
  const sigAlg = si.signatureAlgorithm.algorithm;
  const sigHash = sigAlg === OID.ecdsaWithSha384 || sigAlg === OID.sha384WithRsa ? 'sha384' : 'sha256';
  const pub = createPublicKey({ key: Buffer.from(signer.publicKey.rawData), format: 'der', type: 'spki' });
  const ok = nodeVerify(sigHash, signedAttrsForVerify(si), pub, Buffer.from(si.signature.buffer));
  if (!ok) fail('the signature does not verify with the signer certificate');
  if (opts.requiredEku) {
    const eku = signer.getExtension(x509.ExtendedKeyUsageExtension);
    if (!eku?.usages.includes(opts.requiredEku as x509.ExtendedKeyUsageType)) fail(`the signer certificate lacks EKU ${opts.requiredEku}`);
  }
  if (opts.trustedIssuers) {
    const at = opts.at ?? new Date();
    if (at < signer.notBefore || at > signer.notAfter) fail('the signer certificate is not valid at the check time');
    let trusted = false;
    for (const ca of opts.trustedIssuers) {
      if (signer.issuer !== ca.subject) continue;
      try {
        if (await signer.verify({ publicKey: ca.publicKey, signatureOnly: true })) trusted = true;
      } catch {
        /* try the next one */
      }
    }
    if (!trusted) fail('the signer certificate was not issued by a trusted CA');
  }
  return { eContentType, content, signer };
}

/** The bytes a signer signed: the signed attributes re-tagged as SET (31) per RFC 5652 5.4. */
function signedAttrsForVerify(si: SignerInfo): Buffer {
  if (si.signedAttrsRaw) {
    const raw = Buffer.from(si.signedAttrsRaw);
    if (raw[0] === 0xa0) return Buffer.concat([Buffer.from([0x31]), raw.subarray(1)]);
    return derTlv(0x31, raw);
  }
  return derTlv(0x31, Buffer.concat((si.signedAttrs ?? []).map((a) => Buffer.from(AsnConvert.serialize(a)))));
}

function signatureAlgorithm(key: HsmSigningKey): { algorithm: string; parameters?: ArrayBuffer | null } {
  if (key.isEc) return { algorithm: key.hash === 'SHA-384' ? OID.ecdsaWithSha384 : OID.ecdsaWithSha256 };
  return { algorithm: key.hash === 'SHA-384' ? OID.sha384WithRsa : OID.sha256WithRsa, parameters: NULL };
}

/** DER tag-length-value with a definite length. */
export function derTlv(tag: number, value: Uint8Array): Buffer {
  const n = value.length;
  const len =
    n < 0x80
      ? Buffer.from([n])
      : n < 0x100
        ? Buffer.from([0x81, n])
        : n < 0x10000
          ? Buffer.from([0x82, n >> 8, n & 0xff])
          : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, Buffer.from(value)]);
}

/** DER OBJECT IDENTIFIER. */
export function derOid(oid: string): Buffer {
  const parts = oid.split('.').map(Number);
  const body: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    body.push(...stack);
  }
  return derTlv(0x06, Buffer.from(body));
}
