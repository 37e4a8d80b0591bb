import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs it loaded first
import { encodeTlv, parseTlvs, findTlv } from '@scm/apdu';
import type * as x509 from '@peculiar/x509';
import { CaError, CaErrorCode } from './ca-errors';
import { signCms, verifyCms, type CmsSigner } from './cms-signed-data';
import { OID } from './oids';
import { canonicalUuid } from './piv-templates';

/**
 * The FASC-N yubico-piv-tool writes (agency code 9999). OpenSC takes a FASC-N starting with
 * ";9999" (D4 E7 39, fourth byte ≥ 0x80) to mean "no real FASC-N" and uses the GUID as the
 * card's serial instead, which is what SCM wants: the GUID is the VSC/card UUID.
 */
export const NON_FEDERAL_FASCN = Buffer.from('d4e739da739ced39ce739d836858210842108421c84210c3eb', 'hex');

/** CHUID data elements (SP 800-73-4 Table 9). */
export const CHUID_TAG = {
  fascn: 0x30,
  orgId: 0x32,
  duns: 0x33,
  guid: 0x34,
  expiry: 0x35,
  cardholderUuid: 0x36,
  signature: 0x3e,
  edc: 0xfe,
} as const;

export interface ChuidFields {
  fascn: Buffer;
  /** Canonical lower-case UUID. */
  guid: string;
  /** Expiration date, YYYYMMDD. */
  expiry: string;
}

export interface ParsedChuid extends ChuidFields {
  /** The CMS SignedData of tag 3E (empty when unsigned, as ykpiv writes it). */
  signature: Buffer;
  /** The bytes the signature covers: every element before 3E, as TLVs. */
  signedContent: Buffer;
}

export interface BuildChuidRequest {
  /** The GUID to write: the UUID of the VSC/card being personalised. */
  guid: string;
  /**
   * The UUID this request is bound to (the VSC/card record of the issuance request). A CHUID is
   * built only when `guid` is this one: SCM never writes one card's identity onto another.
   */
  boundUuid: string;
  expires: Date;
  fascn?: Buffer;
}

/**
 * Builds the CHUID container value (what goes inside tag 53): FASC-N, GUID, expiry, the issuer
 * asymmetric signature (tag 3E: CMS SignedData, eContentType id-PIV-CHUIDSecurityObject,
 * detached, over the preceding elements), and an empty error detection code (FE 00).
 */
export async function buildSignedChuid(signer: CmsSigner, req: BuildChuidRequest): Promise<Buffer> {
  const guid = canonicalUuid(req.guid);
  if (guid !== canonicalUuid(req.boundUuid)) {
    throw new CaError(CaErrorCode.GuidMismatch, `refusing to build a CHUID with GUID ${guid} for card ${canonicalUuid(req.boundUuid)}`, {
      guid,
      card: req.boundUuid,
    });
  }
  const fascn = req.fascn ?? NON_FEDERAL_FASCN;
  if (fascn.length !== 25) throw new CaError(CaErrorCode.InvalidRequest, 'a FASC-N is 25 bytes', {});
  const content = chuidSignedContent({ fascn, guid, expiry: yyyymmdd(req.expires) });
  const cms = await signCms(signer, OID.pivChuidSecurityObject, content, { detached: true });
  return Buffer.concat([content, encodeTlv(CHUID_TAG.signature, cms), encodeTlv(CHUID_TAG.edc)]);
}

/** The CHUID elements the signature covers, TLV-encoded in card order. */
export function chuidSignedContent(f: ChuidFields): Buffer {
  return Buffer.concat([
    encodeTlv(CHUID_TAG.fascn, f.fascn),
    encodeTlv(CHUID_TAG.guid, uuidBytes(f.guid)),
    encodeTlv(CHUID_TAG.expiry, Buffer.from(f.expiry, 'ascii')),
  ]);
}

/** Parses a CHUID container value (strict TLV; FASC-N, GUID and expiry required). */
export function parseChuid(value: Uint8Array): ParsedChuid {
  let tlvs;
  try {
    tlvs = parseTlvs(value);
  } catch (e) {
    throw new CaError(CaErrorCode.InvalidRequest, `malformed CHUID: ${(e as Error).message}`, {}, { cause: e });
  }
  const need = (tag: number, what: string) => {
    const t = findTlv(tlvs, tag);
    if (!t) throw new CaError(CaErrorCode.InvalidRequest, `CHUID has no ${what} (tag ${tag.toString(16)})`, {});
    return Buffer.from(t.value);
  };
  const fascn = need(CHUID_TAG.fascn, 'FASC-N');
  const guidBytes = need(CHUID_TAG.guid, 'GUID');
  if (guidBytes.length !== 16) throw new CaError(CaErrorCode.InvalidRequest, 'CHUID GUID is not 16 bytes', {});
  const expiry = need(CHUID_TAG.expiry, 'expiration date').toString('ascii');
  const sigIdx = tlvs.findIndex((t) => t.tag === CHUID_TAG.signature);
  const before = sigIdx < 0 ? tlvs.filter((t) => t.tag !== CHUID_TAG.edc) : tlvs.slice(0, sigIdx);
  return {
    fascn,
    guid: bytesUuid(guidBytes),
    expiry,
    signature: sigIdx < 0 ? Buffer.alloc(0) : Buffer.from(tlvs[sigIdx].value),
    signedContent: Buffer.concat(before.map((t) => encodeTlv(t.tag, t.value))),
  };
}

/**
 * Refuses a CHUID whose GUID is not the card's own: the check before writing an existing CHUID
 * (a backup, a copy) onto a card. CaError GuidMismatch.
 */
export function assertChuidBelongsTo(value: Uint8Array, cardUuid: string): ParsedChuid {
  const c = parseChuid(value);
  if (c.guid !== canonicalUuid(cardUuid)) {
    throw new CaError(
      CaErrorCode.GuidMismatch,
      `the CHUID belongs to card ${c.guid}, not ${canonicalUuid(cardUuid)}; copying a CHUID onto another card is refused`,
      {
        guid: c.guid,
        card: cardUuid,
      },
    );
  }
  return c;
}

/**
 * Verifies a CHUID's issuer signature: CMS over the elements before 3E, eContentType
 * id-PIV-CHUIDSecurityObject, a signer with id-PIV-content-signing issued by a trusted CA.
 */
export async function verifyChuid(
  value: Uint8Array,
  opts: { trustedIssuers: x509.X509Certificate[]; at?: Date },
): Promise<ParsedChuid & { signer: x509.X509Certificate }> {
  const c = parseChuid(value);
  if (c.signature.length === 0) throw new CaError(CaErrorCode.SignatureInvalid, 'the CHUID is not signed (empty tag 3E)', {});
  const v = await verifyCms(c.signature, {
    content: c.signedContent,
    eContentType: OID.pivChuidSecurityObject,
    trustedIssuers: opts.trustedIssuers,
    requiredEku: OID.pivContentSigning,
    at: opts.at,
  });
  return { ...c, signer: v.signer };
}

function yyyymmdd(d: Date): string {
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(canonicalUuid(uuid).replace(/-/g, ''), 'hex');
}

function bytesUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
