import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs it loaded first
import { createHash } from 'node:crypto';
import { encodeTlv, findTlv, parseTlvs } from '@scm/apdu';
import type * as x509 from '@peculiar/x509';
import { CaError, CaErrorCode } from './ca-errors';
import { derOid, derTlv, signCms, verifyCms, type CmsSigner } from './cms-signed-data';
import { OID } from './oids';

/** PIV container IDs (SP 800-73-4 Table 3) of the objects a Security Object can cover. */
export const PIV_CONTAINER = {
  ccc: 0xdb00,
  chuid: 0x3000,
  printedInformation: 0x3001,
  fingerprints: 0x6010,
  facialImage: 0x6030,
  discovery: 0x6050,
  keyHistory: 0x6060,
  iris: 0x1015,
} as const;

/**
 * SCM's mapping of ICAO data-group numbers to PIV containers (tag BA). The numbers are the
 * issuer's choice; SCM fixes them here and documents them in docs/card-profile.md.
 */
export const SCM_DATA_GROUPS: ReadonlyArray<{ dg: number; containerId: number; name: string }> = [
  { dg: 1, containerId: PIV_CONTAINER.chuid, name: 'CHUID' },
  { dg: 2, containerId: PIV_CONTAINER.fingerprints, name: 'Fingerprints' },
  { dg: 3, containerId: PIV_CONTAINER.printedInformation, name: 'Printed Information' },
  { dg: 4, containerId: PIV_CONTAINER.facialImage, name: 'Facial Image' },
  { dg: 5, containerId: PIV_CONTAINER.iris, name: 'Iris' },
  { dg: 6, containerId: PIV_CONTAINER.discovery, name: 'Discovery' },
  { dg: 7, containerId: PIV_CONTAINER.keyHistory, name: 'Key History' },
  { dg: 8, containerId: PIV_CONTAINER.ccc, name: 'CCC' },
];

/** An object the Security Object covers: its container ID and its value (the bytes inside tag 53). */
export interface CoveredObject {
  containerId: number;
  value: Uint8Array;
}

/**
 * Builds the Security Object container value: BA (DG → container mapping, 3 bytes per entry:
 * DG number, container ID), BB (CMS SignedData with an embedded ICAO LDSSecurityObject holding
 * the SHA-256 of each covered object's value, signed by the content signer), FE 00.
 * ICAO requires at least two data groups.
 */
export async function buildSecurityObject(signer: CmsSigner, objects: readonly CoveredObject[]): Promise<Buffer> {
  const groups = objects
    .map((o) => {
      const g = SCM_DATA_GROUPS.find((x) => x.containerId === o.containerId);
      if (!g)
        throw new CaError(
          CaErrorCode.InvalidRequest,
          `container ${hex4(o.containerId)} has no data group in the Security Object mapping`,
          {},
        );
      return { dg: g.dg, containerId: g.containerId, value: Buffer.from(o.value) };
    })
    .sort((a, b) => a.dg - b.dg);
  if (groups.length < 2) throw new CaError(CaErrorCode.InvalidRequest, 'a Security Object covers at least two objects (ICAO LDS)', {});
  if (new Set(groups.map((g) => g.dg)).size !== groups.length)
    throw new CaError(CaErrorCode.InvalidRequest, 'an object is listed twice', {});
  const mapping = Buffer.concat(groups.map((g) => Buffer.from([g.dg, g.containerId >> 8, g.containerId & 0xff])));
  const lds = derTlv(
    0x30,
    Buffer.concat([
      derTlv(0x02, Buffer.from([0])),
      derTlv(0x30, derOid(OID.sha256)),
      derTlv(
        0x30,
        Buffer.concat(
          groups.map((g) =>
            derTlv(0x30, Buffer.concat([derTlv(0x02, Buffer.from([g.dg])), derTlv(0x04, createHash('sha256').update(g.value).digest())])),
          ),
        ),
      ),
    ]),
  );
  const cms = await signCms(signer, OID.icaoLdsSecurityObject, lds, { detached: false });
  return Buffer.concat([encodeTlv(0xba, mapping), encodeTlv(0xbb, cms), encodeTlv(0xfe)]);
}

/**
 * Verifies a Security Object against the objects read from a card: the signature (content
 * signer issued by a trusted CA), and the hash of every given object that the mapping covers.
 * Returns the covered container IDs; CaError SignatureInvalid on any mismatch.
 */
export async function verifySecurityObject(
  value: Uint8Array,
  objects: readonly CoveredObject[],
  opts: { trustedIssuers: x509.X509Certificate[]; at?: Date },
): Promise<{ covered: number[] }> {
  const tlvs = parseTlvs(value);
  const map = findTlv(tlvs, 0xba);
  const so = findTlv(tlvs, 0xbb);
  if (!map || !so || map.value.length % 3 !== 0) throw new CaError(CaErrorCode.InvalidRequest, 'malformed Security Object (BA/BB)', {});
  const dgToContainer = new Map<number, number>();
  for (let i = 0; i < map.value.length; i += 3) dgToContainer.set(map.value[i], (map.value[i + 1] << 8) | map.value[i + 2]);
  const v = await verifyCms(so.value, {
    eContentType: OID.icaoLdsSecurityObject,
    trustedIssuers: opts.trustedIssuers,
    requiredEku: OID.pivContentSigning,
    at: opts.at,
  });
  const hashes = parseLdsHashes(v.content);
  const covered: number[] = [];
  for (const [dg, digest] of hashes) {
    const containerId = dgToContainer.get(dg);
    if (containerId === undefined) throw new CaError(CaErrorCode.SignatureInvalid, `data group ${dg} is not in the mapping`, {});
    const obj = objects.find((o) => o.containerId === containerId);
    if (!obj) continue;
    if (!createHash('sha256').update(obj.value).digest().equals(digest)) {
      throw new CaError(CaErrorCode.SignatureInvalid, `object ${hex4(containerId)} does not match its hash in the Security Object`, {
        containerId,
      });
    }
    covered.push(containerId);
  }
  return { covered };
}

/** DG number → hash from a DER LDSSecurityObject (SHA-256 only, as SCM writes it). */
function parseLdsHashes(der: Buffer): Map<number, Buffer> {
  const seq = derChildren(der, 0x30);
  if (seq.length !== 3) throw new CaError(CaErrorCode.SignatureInvalid, 'malformed LDSSecurityObject', {});
  const [algOid] = readAll(seq[1].value);
  if (!algOid || !derTlv(algOid.tag, algOid.value).equals(derOid(OID.sha256))) {
    throw new CaError(CaErrorCode.SignatureInvalid, 'the Security Object does not use SHA-256', {});
  }
  const out = new Map<number, Buffer>();
  for (const g of readAll(seq[2].value)) {
    const [n, h] = readAll(g.value);
    out.set(n.value[n.value.length - 1], h.value);
  }
  return out;
}

function derChildren(der: Buffer, tag: number): { tag: number; value: Buffer }[] {
  const [top] = readAll(der);
  if (!top || top.tag !== tag) throw new CaError(CaErrorCode.SignatureInvalid, 'unexpected DER', {});
  return readAll(top.value);
}

function readAll(b: Buffer): { tag: number; value: Buffer }[] {
  const out: { tag: number; value: Buffer }[] = [];
  let i = 0;
  while (i < b.length) {
    const tag = b[i++];
    let len = b[i++];
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let k = 0; k < n; k++) len = (len << 8) | b[i++];
    }
    if (i + len > b.length) throw new CaError(CaErrorCode.SignatureInvalid, 'truncated DER', {});
    out.push({ tag, value: b.subarray(i, i + len) });
    i += len;
  }
  return out;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
