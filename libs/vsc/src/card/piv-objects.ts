import { parseTlvs } from '@scm/apdu';
import { VscError, VscErrorCode } from '../vsc-errors';
import { concat } from '../format/bytes';

/**
 * Where a VSC's objects live on a PIV card (docs/vsc-format.md, "Objects on a PIV card"):
 * certificates in their slot containers, copied SP 800-73-4 containers under their own tag,
 * and the seed's named data objects (address, URLs, business card…) in SCM's vendor range
 * 5FFF20–5FFF3F, one object per tag. Yubico uses 5FFF00–5FFF15; 5FFF16–5FFF1F stay free.
 */
export const CHUID_TAG = 0x5fc102;
export const SECURITY_OBJECT_TAG = 0x5fc106;
export const CCC_TAG = 0x5fc107;
export const KEY_HISTORY_TAG = 0x5fc10c;
export const DISCOVERY_TAG = 0x7e;

/** SCM's vendor object range on PIV cards. */
export const SCM_OBJECT_FIRST = 0x5fff20;
export const SCM_OBJECT_LAST = 0x5fff3f;
/** The largest object a YubiKey 5 stores (inside 53). */
export const MAX_PIV_OBJECT = 3063;

/** Containers that identify one card: never copied onto another card. */
export const IDENTITY_TAGS: ReadonlySet<number> = new Set([CHUID_TAG, SECURITY_OBJECT_TAG]);

/** Containers whose reading needs the PIN (SP 800-73-4): the only place a private object may go on a PIV card. */
export const PIN_PROTECTED_TAGS: ReadonlySet<number> = new Set([0x5fc103, 0x5fc108, 0x5fc109, 0x5fc121]);

/** Standard containers a backup copies as data objects (their names in the VSC). */
export const STANDARD_CONTAINERS: ReadonlyArray<{ tag: number; name: string; pin: boolean }> = [
  { tag: CHUID_TAG, name: 'piv-chuid', pin: false },
  { tag: CCC_TAG, name: 'piv-ccc', pin: false },
  { tag: SECURITY_OBJECT_TAG, name: 'piv-security-object', pin: false },
  { tag: KEY_HISTORY_TAG, name: 'piv-key-history', pin: false },
  { tag: 0x5fc109, name: 'piv-printed-information', pin: true },
  { tag: 0x5fc103, name: 'piv-fingerprints', pin: true },
  { tag: 0x5fc108, name: 'piv-facial-image', pin: true },
  { tag: 0x5fc121, name: 'piv-iris', pin: true },
];

/** The certificate container of a key slot (9A 5FC105, 9C 5FC10A, 9D 5FC10B, 9E 5FC101, 82..95 5FC10D..5FC120). */
export function certificateTagOf(slot: number): number | undefined {
  switch (slot) {
    case 0x9a:
      return 0x5fc105;
    case 0x9c:
      return 0x5fc10a;
    case 0x9d:
      return 0x5fc10b;
    case 0x9e:
      return 0x5fc101;
    default:
      return slot >= 0x82 && slot <= 0x95 ? 0x5fc10d + (slot - 0x82) : undefined;
  }
}

/** The GUID (tag 34) of a CHUID value, if it has one. */
export function chuidGuid(value: Uint8Array): Buffer | undefined {
  try {
    const g = parseTlvs(value).find((t) => t.tag === 0x34);
    return g && g.value.length === 16 ? Buffer.from(g.value) : undefined;
  } catch {
    return undefined;
  }
}

/** An SCM data object as stored in a vendor-range PIV object: `80 name`, `81 media type` (optional), `82 value`. */
export function encodeScmObject(o: { name: string; mediaType?: string; value: Uint8Array }): Buffer {
  const tlv = (tag: number, v: Uint8Array): Buffer => {
    const n = v.length;
    const len = n < 0x80 ? Buffer.of(n) : n <= 0xff ? Buffer.of(0x81, n) : Buffer.of(0x82, n >> 8, n & 0xff);
    return concat(Buffer.of(tag), len, v);
  };
  return concat(
    tlv(0x80, Buffer.from(o.name, 'utf8')),
    o.mediaType !== undefined ? tlv(0x81, Buffer.from(o.mediaType, 'utf8')) : Buffer.alloc(0),
    tlv(0x82, o.value),
  );
}

/** Decodes a vendor-range object written by `encodeScmObject`. */
export function decodeScmObject(value: Uint8Array, tag: number): { name: string; mediaType?: string; value: Buffer } {
  try {
    const tlvs = parseTlvs(value);
    const get = (t: number): Uint8Array | undefined => tlvs.find((x) => x.tag === t)?.value;
    const name = get(0x80);
    const v = get(0x82);
    if (!name || !v || tlvs.some((x) => ![0x80, 0x81, 0x82].includes(x.tag))) throw new Error('missing fields');
    const mt = get(0x81);
    return {
      name: Buffer.from(name).toString('utf8'),
      ...(mt ? { mediaType: Buffer.from(mt).toString('utf8') } : {}),
      value: Buffer.from(v),
    };
  } catch (e) {
    throw new VscError(
      VscErrorCode.InvalidObject,
      `PIV object ${tag.toString(16).toUpperCase()} is not an SCM data object`,
      { tag },
      { cause: e },
    );
  }
}
