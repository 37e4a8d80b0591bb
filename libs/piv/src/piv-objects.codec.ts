import { gunzipSync, gzipSync } from 'node:zlib';
import { concatBytes, encodeTlv, encodeTlvs, findTlv, parseTlvs, type Tlv, toHex } from '@scm/apdu';
import { DEFAULT_FASCN, PIV_AID } from './piv.constants';
import { PivError, PivErrorCode } from './piv-errors';

/** The most a compressed certificate may inflate to (a gzip bomb is a bad object, not a crash). */
const MAX_CERT_BYTES = 64 * 1024;

function badObject(what: string, e: unknown): PivError {
  return new PivError(
    PivErrorCode.BadObject,
    `${what} is malformed: ${e instanceof Error ? e.message : String(e)}`,
    { what },
    { cause: e },
  );
}

function parseObject(what: string, content: Uint8Array): Tlv[] {
  try {
    return parseTlvs(content);
  } catch (e) {
    throw badObject(what, e);
  }
}

// ---------- certificates ----------

/** A certificate as a slot's object holds it. */
export interface CertificateObject {
  /** The DER certificate (inflated if the card held it compressed). */
  der: Uint8Array;
  /** It was stored gzip-compressed (CertInfo bit 0x01, or 0x80 as OpenSC also reads it). */
  compressed: boolean;
}

/** 53-content of a certificate object: 70 cert, 71 certinfo, FE LRC (optionally gzip-compressed). */
export function encodeCertificateObject(der: Uint8Array, opts: { compress?: boolean } = {}): Uint8Array {
  const body = opts.compress ? new Uint8Array(gzipSync(der)) : der;
  return concatBytes(encodeTlv(0x70, body), encodeTlv(0x71, Uint8Array.of(opts.compress ? 0x01 : 0x00)), encodeTlv(0xfe));
}

/** Reads a certificate object's content; a compressed certificate is inflated (bounded). */
export function decodeCertificateObject(content: Uint8Array): CertificateObject {
  const list = parseObject('certificate object', content);
  const cert = findTlv(list, 0x70);
  if (!cert) throw new PivError(PivErrorCode.BadObject, 'certificate object has no 70 (certificate) tag');
  const info = findTlv(list, 0x71)?.value[0] ?? 0;
  const compressed = (info & 0x81) !== 0;
  if (!compressed) return { der: cert.value, compressed };
  try {
    return { der: new Uint8Array(gunzipSync(cert.value, { maxOutputLength: MAX_CERT_BYTES })), compressed };
  } catch (e) {
    throw badObject('compressed certificate', e);
  }
}

// ---------- CHUID ----------

export interface Chuid {
  fascn: Uint8Array;
  /** 16 bytes. */
  guid: Uint8Array;
  /** YYYYMMDD. */
  expiry: string;
  orgId?: Uint8Array;
  duns?: Uint8Array;
  /** The issuer's asymmetric signature (CMS); empty when unsigned, as ykpiv writes it. */
  signature: Uint8Array;
}

/** GUID bytes as a UUID string ("8-4-4-4-12", lower case). */
export function guidToUuid(guid: Uint8Array): string {
  const h = toHex(guid).toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A UUID string as 16 GUID bytes. */
export function uuidToGuid(uuid: string): Uint8Array {
  const h = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(h)) throw new PivError(PivErrorCode.InvalidArgument, `not a UUID: ${uuid}`);
  return new Uint8Array(Buffer.from(h, 'hex'));
}

/** The CHUID's 53-content, tags in SP 800-73-4 order. */
export function encodeChuid(c: Partial<Chuid> & { guid: Uint8Array }): Uint8Array {
  if (c.guid.length !== 16) throw new PivError(PivErrorCode.InvalidArgument, `a CHUID GUID has 16 bytes, got ${c.guid.length}`);
  const expiry = c.expiry ?? '20300101';
  if (!/^\d{8}$/.test(expiry)) throw new PivError(PivErrorCode.InvalidArgument, `CHUID expiry must be YYYYMMDD, got ${expiry}`);
  const list: Tlv[] = [{ tag: 0x30, value: c.fascn ?? DEFAULT_FASCN }];
  if (c.orgId) list.push({ tag: 0x32, value: c.orgId });
  if (c.duns) list.push({ tag: 0x33, value: c.duns });
  list.push({ tag: 0x34, value: c.guid }, { tag: 0x35, value: new TextEncoder().encode(expiry) });
  list.push({ tag: 0x3e, value: c.signature ?? new Uint8Array(0) }, { tag: 0xfe, value: new Uint8Array(0) });
  return encodeTlvs(list);
}

export function decodeChuid(content: Uint8Array): Chuid {
  const list = parseObject('CHUID', content);
  const guid = findTlv(list, 0x34)?.value;
  if (!guid || guid.length !== 16) throw new PivError(PivErrorCode.BadObject, 'CHUID has no 16-byte GUID (tag 34)');
  return {
    fascn: findTlv(list, 0x30)?.value ?? new Uint8Array(0),
    guid,
    expiry: Buffer.from(findTlv(list, 0x35)?.value ?? new Uint8Array(0)).toString('latin1'),
    orgId: findTlv(list, 0x32)?.value,
    duns: findTlv(list, 0x33)?.value,
    signature: findTlv(list, 0x3e)?.value ?? new Uint8Array(0),
  };
}

// ---------- CCC ----------

export interface Ccc {
  /** F0: the card identifier (21 bytes: A0 00 00 01 16, FF, 02, then 14 id bytes in ykpiv's form). */
  cardIdentifier: Uint8Array;
  /** Every TLV of the object, in order. */
  tlvs: Tlv[];
}

/** A CCC laid out as yubico-piv-tool writes it, with this 14-byte card id. */
export function encodeCcc(cardId: Uint8Array): Uint8Array {
  if (cardId.length !== 14) throw new PivError(PivErrorCode.InvalidArgument, `CCC card id has 14 bytes, got ${cardId.length}`);
  const e = new Uint8Array(0);
  return encodeTlvs([
    { tag: 0xf0, value: concatBytes(Uint8Array.of(0xa0, 0x00, 0x00, 0x01, 0x16, 0xff, 0x02), cardId) },
    { tag: 0xf1, value: Uint8Array.of(0x21) },
    { tag: 0xf2, value: Uint8Array.of(0x21) },
    { tag: 0xf3, value: e },
    { tag: 0xf4, value: Uint8Array.of(0x00) },
    { tag: 0xf5, value: Uint8Array.of(0x10) },
    { tag: 0xf6, value: e },
    { tag: 0xf7, value: e },
    { tag: 0xfa, value: e },
    { tag: 0xfb, value: e },
    { tag: 0xfc, value: e },
    { tag: 0xfd, value: e },
    { tag: 0xfe, value: e },
  ]);
}

export function decodeCcc(content: Uint8Array): Ccc {
  const tlvs = parseObject('CCC', content);
  const f0 = findTlv(tlvs, 0xf0);
  if (!f0) throw new PivError(PivErrorCode.BadObject, 'CCC has no card identifier (tag F0)');
  return { cardIdentifier: f0.value, tlvs };
}

// ---------- Key History ----------

export interface KeyHistory {
  /** Retired keys whose certificates are on the card. */
  onCard: number;
  /** Retired keys whose certificates are elsewhere (at `url`). */
  offCard: number;
  url?: string;
}

export function encodeKeyHistory(k: KeyHistory): Uint8Array {
  for (const n of [k.onCard, k.offCard])
    if (!Number.isInteger(n) || n < 0 || n > 20) throw new PivError(PivErrorCode.InvalidArgument, `key history counts are 0..20, got ${n}`);
  const list: Tlv[] = [
    { tag: 0xc1, value: Uint8Array.of(k.onCard) },
    { tag: 0xc2, value: Uint8Array.of(k.offCard) },
  ];
  if (k.url !== undefined) list.push({ tag: 0xf3, value: new TextEncoder().encode(k.url) });
  list.push({ tag: 0xfe, value: new Uint8Array(0) });
  return encodeTlvs(list);
}

export function decodeKeyHistory(content: Uint8Array): KeyHistory {
  const list = parseObject('Key History', content);
  const url = findTlv(list, 0xf3);
  return {
    onCard: findTlv(list, 0xc1)?.value[0] ?? 0,
    offCard: findTlv(list, 0xc2)?.value[0] ?? 0,
    url: url && url.value.length ? Buffer.from(url.value).toString('utf8') : undefined,
  };
}

// ---------- Printed Information ----------

export interface PrintedInfo {
  name?: string;
  affiliation?: string;
  expiry?: string;
  serial?: string;
  issuer?: string;
  orgLine1?: string;
  orgLine2?: string;
}

const PRINTED_TAGS: ReadonlyArray<[keyof PrintedInfo, number]> = [
  ['name', 0x01],
  ['affiliation', 0x02],
  ['expiry', 0x04],
  ['serial', 0x05],
  ['issuer', 0x06],
  ['orgLine1', 0x07],
  ['orgLine2', 0x08],
];

export function encodePrintedInfo(p: PrintedInfo): Uint8Array {
  const list: Tlv[] = [];
  for (const [k, tag] of PRINTED_TAGS) if (p[k] !== undefined) list.push({ tag, value: new TextEncoder().encode(p[k]) });
  list.push({ tag: 0xfe, value: new Uint8Array(0) });
  return encodeTlvs(list);
}

export function decodePrintedInfo(content: Uint8Array): PrintedInfo {
  const list = parseObject('Printed Information', content);
  const out: PrintedInfo = {};
  for (const [k, tag] of PRINTED_TAGS) {
    const t = findTlv(list, tag);
    if (t) out[k] = Buffer.from(t.value).toString('utf8');
  }
  return out;
}

// ---------- Discovery ----------

export interface Discovery {
  aid: Uint8Array;
  /** 5F2F: PIN usage policy, two bytes. */
  pinPolicy: Uint8Array;
}

/** The whole Discovery object, 7E included (it is written bare, not in 53). */
export function encodeDiscovery(d: Partial<Discovery> = {}): Uint8Array {
  return encodeTlv(
    0x7e,
    encodeTlvs([
      { tag: 0x4f, value: d.aid ?? PIV_AID },
      { tag: 0x5f2f, value: d.pinPolicy ?? Uint8Array.of(0x40, 0x00) },
    ]),
  );
}

/** Decodes the value inside 7E. */
export function decodeDiscovery(content: Uint8Array): Discovery {
  const list = parseObject('Discovery', content);
  const aid = findTlv(list, 0x4f);
  if (!aid) throw new PivError(PivErrorCode.BadObject, 'Discovery has no AID (tag 4F)');
  return { aid: aid.value, pinPolicy: findTlv(list, 0x5f2f)?.value ?? new Uint8Array(0) };
}
