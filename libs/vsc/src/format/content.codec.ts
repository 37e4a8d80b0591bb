import { X509Certificate, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { VscError, VscErrorCode, formatError } from '../vsc-errors';
import { bytesEqual, concat, readUint, u16, u32, u8, uuidBytes, uuidString } from './bytes';
import { TlvReader, byteOf, fixed, text, tlv, tlvOf, utf8, validText, type TlvItem } from './tlv';
import {
  AREA_ACCESS,
  CARD_TYPES,
  ESCROW_POLICIES,
  KDF_BOUNDS,
  KEY_ALGORITHM_IDS,
  KEY_ORIGINS,
  KeyAlgorithm,
  MAX_KEY_LABEL,
  MAX_LABEL,
  MAX_MEDIA_TYPE,
  MAX_NAME,
  VSC_FORMAT_VERSION,
  VSC_KINDS,
  isPivKeySlot,
  slotName,
  type CardType,
  type CertificateObject,
  type DataObject,
  type EscrowPolicy,
  type KdfParams,
  type KeyAlgorithmId,
  type KeyOrigin,
  type KeyRef,
  type PasswordArea,
  type PrivateKeyRecord,
  type PublicKeyObject,
  type VscHeader,
  type VscKind,
  type VscObject,
} from './vsc-model';

/** Tags of the content's sections and records (docs/vsc-format.md, "Tags"). */
export const Tag = {
  HEADER: 0xa0,
  PUBLIC: 0xa1,
  PRIVATE: 0xa2,
  SECRET: 0xa3,
  PASSWORD: 0xa4,
  KEY_SLOTS: 0xa5,
  SEAL: 0xaf,
  STATE: 0xb0,
  STATE_MAC: 0xb1,
  SLOT: 0x30,
  CERTIFICATE: 0xe1,
  PUBLIC_KEY: 0xe2,
  DATA: 0xe3,
  PRIVATE_KEY: 0xe4,
  PASSWORD_RECORD: 0xe5,
} as const;

/** Cipher suite 1: AES-256-GCM areas and key slots, HKDF-SHA-256 area keys, HMAC-SHA-256 seal and state. */
export const CIPHER_SUITE_1 = 0x01;
const KDF_ARGON2ID = 0x01;

const reverse = <K extends string>(m: Record<K, number>): Map<number, K> =>
  new Map(Object.entries(m).map(([k, v]) => [v as number, k as K]));
const KIND_BY_BYTE = reverse<VscKind>(VSC_KINDS);
const CARD_BY_BYTE = reverse<CardType>(CARD_TYPES);
const ESCROW_BY_BYTE = reverse<EscrowPolicy>(ESCROW_POLICIES);
const ORIGIN_BY_BYTE = reverse<KeyOrigin>(KEY_ORIGINS);

// ---------------------------------------------------------------- header

function encodeKeyRef(labelTag: number, versionTag: number, k: KeyRef): Buffer {
  return concat(tlv(labelTag, utf8(k.label)), tlv(versionTag, u32(k.version)));
}

/** The header TLV (A0 …). Its bytes are the associated data of every area. */
export function encodeHeader(h: VscHeader): Buffer {
  checkHeader(h);
  const hier = h.hierarchy;
  return tlvOf(
    Tag.HEADER,
    tlv(0x80, uuidBytes(h.id)),
    tlv(0x81, utf8(h.label)),
    tlv(0x82, Buffer.of(VSC_KINDS[h.kind], CARD_TYPES[h.cardType])),
    tlv(0x83, Buffer.from(AREA_ACCESS.flat())),
    tlvOf(
      0x84,
      tlv(0x80, u32(hier.version)),
      hier.previousHash ? tlv(0x81, hier.previousHash) : undefined,
      hier.parentId ? tlv(0x82, uuidBytes(hier.parentId)) : undefined,
    ),
    h.kdf ? encodeKdf(h.kdf) : undefined,
    tlvOf(0x86, encodeKeyRef(0x80, 0x81, h.keys.kek), encodeKeyRef(0x82, 0x83, h.keys.recovery)),
    tlv(0x87, Buffer.of(CIPHER_SUITE_1)),
  );
}

/** The KDF parameters TLV (85 …), also part of the cardholder slots' associated data. */
export function encodeKdf(k: KdfParams): Buffer {
  return tlvOf(
    0x85,
    tlv(0x80, Buffer.of(KDF_ARGON2ID)),
    tlv(0x81, u32(k.memoryKiB)),
    tlv(0x82, u32(k.iterations)),
    tlv(0x83, u8(k.parallelism)),
  );
}

function checkHeader(h: VscHeader): void {
  const bad = (what: string): never => {
    throw new VscError(VscErrorCode.InvalidObject, `header: ${what}`);
  };
  try {
    uuidBytes(h.id);
  } catch {
    bad('id is not a UUID');
  }
  if (!validText(h.label, MAX_LABEL)) bad(`label must be 1 to ${MAX_LABEL} bytes of text`);
  if (!(h.kind in VSC_KINDS)) bad('unknown kind');
  if (!(h.cardType in CARD_TYPES)) bad('unknown card type');
  const v = h.hierarchy.version;
  if (!Number.isInteger(v) || v < 1 || v > 0xffffffff) bad('version out of range');
  if ((v === 1) !== (h.hierarchy.previousHash === undefined)) bad('the previous hash is present exactly when version > 1');
  if (h.hierarchy.previousHash && h.hierarchy.previousHash.length !== 32) bad('previous hash must be 32 bytes');
  if (h.kdf) checkKdf(h.kdf, bad);
  for (const k of [h.keys.kek, h.keys.recovery]) {
    if (!validText(k.label, MAX_KEY_LABEL)) bad(`HSM key labels must be 1 to ${MAX_KEY_LABEL} bytes`);
    if (!Number.isInteger(k.version) || k.version < 1 || k.version > 0xffffffff) bad('HSM key version out of range');
  }
}

function checkKdf(k: KdfParams, bad: (what: string) => never): void {
  if (k.algorithm !== 'argon2id') bad('KDF must be argon2id');
  if (!Number.isInteger(k.memoryKiB) || k.memoryKiB < KDF_BOUNDS.minMemoryKiB || k.memoryKiB > KDF_BOUNDS.maxMemoryKiB)
    bad('KDF memory out of range');
  if (!Number.isInteger(k.iterations) || k.iterations < 1 || k.iterations > KDF_BOUNDS.maxIterations) bad('KDF iterations out of range');
  if (!Number.isInteger(k.parallelism) || k.parallelism < 1 || k.parallelism > KDF_BOUNDS.maxParallelism)
    bad('KDF parallelism out of range');
}

function decodeKeyRef(r: TlvReader, labelTag: number, versionTag: number, what: string): KeyRef {
  const label = text(r.expect(labelTag, `${what} key label`), `${what} key label`, MAX_KEY_LABEL);
  const vi = r.expect(versionTag, `${what} key version`);
  const version = readUint(fixed(vi, 4, `${what} key version`));
  if (version < 1) throw formatError(VscErrorCode.Value, `${what} key version must be at least 1`, vi.start);
  return { label, version };
}

/** Decodes the header TLV item (A0). */
export function decodeHeader(item: TlvItem): VscHeader {
  const r = TlvReader.of(item, 'header');
  const id = uuidString(fixed(r.expect(0x80, 'unique identifier'), 16, 'unique identifier'));
  const label = text(r.expect(0x81, 'label'), 'label', MAX_LABEL);
  const attrs = r.expect(0x82, 'attributes');
  const a = fixed(attrs, 2, 'attributes');
  const kind = KIND_BY_BYTE.get(a[0]);
  const cardType = CARD_BY_BYTE.get(a[1]);
  if (!kind || !cardType) throw formatError(VscErrorCode.Value, 'attributes hold an unknown kind or card type', attrs.start);
  const acc = r.expect(0x83, 'access conditions');
  if (!bytesEqual(fixed(acc, 8, 'access conditions'), Buffer.from(AREA_ACCESS.flat()))) {
    throw formatError(VscErrorCode.Value, 'access conditions differ from those of format version 1', acc.start);
  }
  const hr = TlvReader.of(r.expect(0x84, 'hierarchy'), 'hierarchy');
  const vi = hr.expect(0x80, 'version');
  const version = readUint(fixed(vi, 4, 'version'));
  const prev = hr.optional(0x81);
  const parent = hr.optional(0x82);
  hr.end();
  if (version < 1) throw formatError(VscErrorCode.Value, 'version must be at least 1', vi.start);
  if ((version === 1) !== (prev === undefined))
    throw formatError(VscErrorCode.Value, 'a previous hash is present exactly when version > 1', vi.start);
  const previousHash = prev ? Buffer.from(fixed(prev, 32, 'previous hash')) : undefined;
  const parentId = parent ? uuidString(fixed(parent, 16, 'parent id')) : undefined;
  const kdfItem = r.optional(0x85);
  let kdf: KdfParams | undefined;
  if (kdfItem) {
    const kr = TlvReader.of(kdfItem, 'KDF parameters');
    byteOf(kr.expect(0x80, 'KDF algorithm'), 'KDF algorithm', [KDF_ARGON2ID]);
    const m = kr.expect(0x81, 'KDF memory');
    const t = kr.expect(0x82, 'KDF iterations');
    const p = kr.expect(0x83, 'KDF parallelism');
    kr.end();
    kdf = {
      algorithm: 'argon2id',
      memoryKiB: readUint(fixed(m, 4, 'KDF memory')),
      iterations: readUint(fixed(t, 4, 'KDF iterations')),
      parallelism: fixed(p, 1, 'KDF parallelism')[0],
    };
    checkKdf(kdf, (what) => {
      throw formatError(VscErrorCode.Value, what, kdfItem.start);
    });
  }
  const kr = TlvReader.of(r.expect(0x86, 'HSM keys'), 'HSM keys');
  const kek = decodeKeyRef(kr, 0x80, 0x81, 'KEK');
  const recovery = decodeKeyRef(kr, 0x82, 0x83, 'recovery');
  kr.end();
  byteOf(r.expect(0x87, 'cipher suite'), 'cipher suite', [CIPHER_SUITE_1]);
  r.end();
  return {
    id,
    label,
    kind,
    cardType,
    hierarchy: { version, ...(previousHash ? { previousHash } : {}), ...(parentId ? { parentId } : {}) },
    ...(kdf ? { kdf } : {}),
    keys: { kek, recovery },
  };
}

// ---------------------------------------------------------------- objects

const KIND_ORDER = { certificate: 0, key: 1, data: 2 } as const;

/** Canonical order of objects: by kind (certificate, key, data), then by name as UTF-8 bytes. */
export function compareObjects(a: VscObject, b: VscObject): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || Buffer.compare(utf8(a.name), utf8(b.name));
}

/** Checks one object's fields; `InvalidObject` with the object's name otherwise. */
export function checkObject(o: VscObject): void {
  const bad = (what: string): never => {
    throw new VscError(VscErrorCode.InvalidObject, `object "${o.name}": ${what}`, { object: o.name });
  };
  if (!validText(o.name, MAX_NAME)) throw new VscError(VscErrorCode.InvalidObject, `object names are 1 to ${MAX_NAME} bytes of text`);
  switch (o.kind) {
    case 'certificate':
      if (o.slot !== undefined && !isPivKeySlot(o.slot)) bad('not a PIV key slot');
      if (!parsesAsCertificate(o.der)) bad('not a DER X.509 certificate');
      return;
    case 'key': {
      if (!isPivKeySlot(o.slot)) bad('not a PIV key slot');
      if (!KEY_ALGORITHM_IDS.includes(o.algorithm)) bad('unknown algorithm');
      if (spkiAlgorithm(o.spki) !== o.algorithm) bad('the public key does not match its algorithm');
      if (!(o.escrow in ESCROW_POLICIES) || !(o.origin in KEY_ORIGINS)) bad('unknown escrow policy or origin');
      if (!isPolicy(o.pinPolicy) || !isPolicy(o.touchPolicy)) bad('PIN and touch policies are 0..3');
      return;
    }
    case 'data':
      if (o.area !== 'public' && o.area !== 'private') bad('area must be public or private');
      if (o.mediaType !== undefined && !validText(o.mediaType, MAX_MEDIA_TYPE)) bad('bad media type');
      if (o.cardTag !== undefined && !(Number.isInteger(o.cardTag) && o.cardTag > 0 && o.cardTag <= 0xffffff))
        bad('card tag is 1 to 3 bytes');
      return;
    default:
      throw new VscError(VscErrorCode.InvalidObject, 'unknown object kind');
  }
}

const isPolicy = (p: number): boolean => Number.isInteger(p) && p >= 0 && p <= 3;

/**
 * What the checks of public objects found, by the SHA-256 of the bytes: whether a certificate
 * parses, and the PIV algorithm of a public key. They depend on the bytes alone, and the same
 * certificates and keys come back in every opening of a VSC (eight per card issued, each parsing
 * every one with OpenSSL: a tenth of the API's CPU per card). Public bytes only; bounded.
 */
const publicChecks = new Map<string, boolean | KeyAlgorithmId | null>();
const PUBLIC_CHECKS_KEPT = 4096;

function remembered<T extends boolean | KeyAlgorithmId | null>(kind: string, bytes: Uint8Array, check: () => T): T {
  const key = `${kind}:${createHash('sha256').update(bytes).digest('base64')}`;
  const hit = publicChecks.get(key);
  if (hit !== undefined) return hit as T;
  const result = check();
  if (publicChecks.size >= PUBLIC_CHECKS_KEPT) publicChecks.delete(publicChecks.keys().next().value as string);
  publicChecks.set(key, result);
  return result;
}

function parsesAsCertificate(der: Uint8Array): boolean {
  return remembered('cert', der, () => {
    try {
      new X509Certificate(Buffer.from(der));
      return der[0] === 0x30;
    } catch {
      return false;
    }
  });
}

/** The PIV algorithm of a DER SubjectPublicKeyInfo, or undefined when it is none PIV knows (or does not parse). */
function spkiAlgorithm(spki: Uint8Array): KeyAlgorithmId | undefined {
  const alg = remembered('spki', spki, () => {
    try {
      return algorithmOfKey(createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' })) ?? null;
    } catch {
      return null;
    }
  });
  return alg ?? undefined;
}

/** The PIV algorithm of a public or private key object, if it is one PIV knows. */
export function algorithmOfKey(k: KeyObject): KeyAlgorithmId | undefined {
  const d = k.asymmetricKeyDetails;
  if (k.asymmetricKeyType === 'rsa') {
    if (d?.publicExponent !== 0x10001n) return undefined;
    const m: Record<number, KeyAlgorithmId> = {
      1024: KeyAlgorithm.RSA1024,
      2048: KeyAlgorithm.RSA2048,
      3072: KeyAlgorithm.RSA3072,
      4096: KeyAlgorithm.RSA4096,
    };
    return d.modulusLength !== undefined ? m[d.modulusLength] : undefined;
  }
  if (k.asymmetricKeyType === 'ec') {
    if (d?.namedCurve === 'prime256v1') return KeyAlgorithm.P256;
    if (d?.namedCurve === 'secp384r1') return KeyAlgorithm.P384;
  }
  return undefined;
}

/** Checks a list of objects of one area: valid, unique names, one key and one certificate per slot, canonical order. */
export function checkObjectList(objects: readonly VscObject[]): void {
  for (const o of objects) checkObject(o);
  checkListRules(objects);
}

/** The list's own rules (unique names, one key and one certificate per slot), its objects already checked one by one. */
function checkListRules(objects: readonly VscObject[]): void {
  const names = new Set<string>();
  const keySlots = new Set<number>();
  const certSlots = new Set<number>();
  for (const o of objects) {
    if (names.has(o.name)) throw new VscError(VscErrorCode.ObjectExists, `two objects are named "${o.name}"`, { object: o.name });
    names.add(o.name);
    if (o.kind === 'key') {
      if (keySlots.has(o.slot)) throw new VscError(VscErrorCode.ObjectExists, `two keys in slot ${slotName(o.slot)}`);
      keySlots.add(o.slot);
    }
    if (o.kind === 'certificate' && o.slot !== undefined) {
      if (certSlots.has(o.slot)) throw new VscError(VscErrorCode.ObjectExists, `two certificates in slot ${slotName(o.slot)}`);
      certSlots.add(o.slot);
    }
  }
}

function encodeObject(o: VscObject): Buffer {
  switch (o.kind) {
    case 'certificate':
      return tlvOf(Tag.CERTIFICATE, tlv(0x80, utf8(o.name)), o.slot !== undefined ? tlv(0x81, u8(o.slot)) : undefined, tlv(0x82, o.der));
    case 'key':
      return tlvOf(
        Tag.PUBLIC_KEY,
        tlv(0x80, utf8(o.name)),
        tlv(0x81, u8(o.slot)),
        tlv(0x82, u8(o.algorithm)),
        tlv(0x83, o.spki),
        tlv(0x84, u8(ESCROW_POLICIES[o.escrow])),
        tlv(0x85, u8(KEY_ORIGINS[o.origin])),
        tlv(0x86, Buffer.of(o.pinPolicy, o.touchPolicy)),
      );
    case 'data':
      return tlvOf(
        Tag.DATA,
        tlv(0x80, utf8(o.name)),
        o.mediaType !== undefined ? tlv(0x81, utf8(o.mediaType)) : undefined,
        o.cardTag !== undefined ? tlv(0x82, cardTagBytes(o.cardTag)) : undefined,
        tlv(0x83, o.value),
      );
  }
}

function cardTagBytes(tag: number): Buffer {
  return tag > 0xffff ? Buffer.of(tag >> 16, (tag >> 8) & 0xff, tag & 0xff) : tag > 0xff ? u16(tag) : u8(tag);
}

/** Encodes the objects of one area in canonical order. */
export function encodeObjects(objects: readonly VscObject[]): Buffer {
  checkObjectList(objects);
  return concat(...[...objects].sort(compareObjects).map(encodeObject));
}

/** Decodes an area's objects, rejecting non-canonical order or anything invalid. */
export function decodeObjects(bytes: Buffer, base: number, area: 'public' | 'private'): VscObject[] {
  const r = new TlvReader(bytes, base, `${area} area`);
  const out: VscObject[] = [];
  while (r.remaining > 0) {
    const item = r.next();
    const o = decodeObject(item, area);
    try {
      checkObject(o);
    } catch (e) {
      throw formatError(VscErrorCode.Value, `${area} area: ${(e as Error).message}`, item.start);
    }
    if (out.length && compareObjects(out[out.length - 1], o) >= 0) {
      throw formatError(VscErrorCode.Value, `${area} area: objects are not in canonical order (or a name repeats)`, item.start);
    }
    out.push(o);
  }
  try {
    // Each object was checked as it was read: parsing every certificate and key again costs as much once more.
    checkListRules(out);
  } catch (e) {
    throw formatError(VscErrorCode.Value, `${area} area: ${(e as Error).message}`, base);
  }
  return out;
}

function decodeObject(item: TlvItem, area: 'public' | 'private'): VscObject {
  const ctx = `${area} area object`;
  if (area === 'private' && item.tag !== Tag.DATA)
    throw formatError(VscErrorCode.Structure, 'private area: only data objects belong here', item.start);
  const r = TlvReader.of(item, ctx);
  switch (item.tag) {
    case Tag.CERTIFICATE: {
      const name = text(r.expect(0x80, 'name'), 'object name', MAX_NAME);
      const slot = r.optional(0x81);
      const der = Buffer.from(r.expect(0x82, 'certificate').value);
      r.end();
      const o: CertificateObject = { kind: 'certificate', name, ...(slot ? { slot: fixed(slot, 1, 'slot')[0] } : {}), der };
      return o;
    }
    case Tag.PUBLIC_KEY: {
      const name = text(r.expect(0x80, 'name'), 'object name', MAX_NAME);
      const slot = fixed(r.expect(0x81, 'slot'), 1, 'slot')[0];
      const algorithm = byteOf(r.expect(0x82, 'algorithm'), 'algorithm', KEY_ALGORITHM_IDS);
      const spki = Buffer.from(r.expect(0x83, 'public key').value);
      const esc = r.expect(0x84, 'escrow policy');
      const escrow = ESCROW_BY_BYTE.get(fixed(esc, 1, 'escrow policy')[0]);
      const ori = r.expect(0x85, 'origin');
      const origin = ORIGIN_BY_BYTE.get(fixed(ori, 1, 'origin')[0]);
      const pol = fixed(r.expect(0x86, 'policies'), 2, 'policies');
      r.end();
      if (!escrow || !origin) throw formatError(VscErrorCode.Value, 'unknown escrow policy or origin', esc.start);
      const o: PublicKeyObject = { kind: 'key', name, slot, algorithm, spki, escrow, origin, pinPolicy: pol[0], touchPolicy: pol[1] };
      return o;
    }
    case Tag.DATA: {
      const name = text(r.expect(0x80, 'name'), 'object name', MAX_NAME);
      const mt = r.optional(0x81);
      const ct = r.optional(0x82);
      const value = Buffer.from(r.expect(0x83, 'value').value);
      r.end();
      if (ct && (ct.value.length === 0 || ct.value.length > 3 || ct.value[0] === 0))
        throw formatError(VscErrorCode.Value, 'card tag is 1 to 3 bytes', ct.start);
      const o: DataObject = {
        kind: 'data',
        name,
        area,
        ...(mt ? { mediaType: text(mt, 'media type', MAX_MEDIA_TYPE) } : {}),
        ...(ct ? { cardTag: readUint(ct.value) } : {}),
        value,
      };
      return o;
    }
    default:
      throw formatError(VscErrorCode.Structure, `${area} area: unknown object tag ${item.tag.toString(16).toUpperCase()}`, item.start);
  }
}

// ---------------------------------------------------------------- secret-key area

/** Encodes the secret-key area's plaintext: private keys by slot. */
export function encodePrivateKeys(keys: readonly PrivateKeyRecord[]): Buffer {
  const sorted = [...keys].sort((a, b) => a.slot - b.slot);
  sorted.forEach((k, i) => {
    if (!isPivKeySlot(k.slot) || (i > 0 && sorted[i - 1].slot === k.slot))
      throw new VscError(VscErrorCode.InvalidObject, `bad or repeated private key slot ${slotName(k.slot)}`);
  });
  return concat(...sorted.map((k) => tlvOf(Tag.PRIVATE_KEY, tlv(0x80, u8(k.slot)), tlv(0x81, u8(k.algorithm)), tlv(0x82, k.pkcs8))));
}

/** Decodes the secret-key area's plaintext. Each key must parse and be of its algorithm. */
export function decodePrivateKeys(bytes: Buffer, base: number): PrivateKeyRecord[] {
  const r = new TlvReader(bytes, base, 'secret-key area');
  const out: PrivateKeyRecord[] = [];
  while (r.remaining > 0) {
    const item = r.expect(Tag.PRIVATE_KEY, 'private key');
    const kr = TlvReader.of(item, 'private key');
    const slot = fixed(kr.expect(0x80, 'slot'), 1, 'slot')[0];
    const algorithm = byteOf(kr.expect(0x81, 'algorithm'), 'algorithm', KEY_ALGORITHM_IDS);
    const pkcs8 = Buffer.from(kr.expect(0x82, 'private key').value);
    kr.end();
    if (!isPivKeySlot(slot) || (out.length && out[out.length - 1].slot >= slot))
      throw formatError(VscErrorCode.Value, 'secret-key area: bad or unordered slot', item.start);
    let alg: KeyAlgorithmId | undefined;
    try {
      alg = algorithmOfKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
    } catch {
      alg = undefined;
    }
    if (alg !== algorithm)
      throw formatError(
        VscErrorCode.Value,
        `secret-key area: the key of slot ${slotName(slot)} is not a valid ${algorithm} key`,
        item.start,
      );
    out.push({ slot, algorithm, pkcs8 });
  }
  return out;
}

// ---------------------------------------------------------------- password area

/** Encodes the password area's plaintext (one record, fields optional). */
export function encodePassword(p: PasswordArea): Buffer {
  if (p.puk && p.puk.length !== 8) throw new VscError(VscErrorCode.InvalidObject, 'PUK is stored in its 8-byte padded form');
  if (p.managementKey && ![16, 24, 32].includes(p.managementKey.key.length))
    throw new VscError(VscErrorCode.InvalidObject, 'management key is 16, 24 or 32 bytes');
  return tlvOf(
    Tag.PASSWORD_RECORD,
    p.puk ? tlv(0x81, p.puk) : undefined,
    p.managementKey ? tlv(0x82, concat(u8(p.managementKey.algorithm), p.managementKey.key)) : undefined,
  );
}

/**
 * Decodes the password area's plaintext. Format version 1 may hold a PIN verifier (tag 80, an
 * HMAC of the padded PIN): it is checked for length and discarded; version 2 refuses it.
 */
export function decodePassword(bytes: Buffer, base: number, formatVersion = VSC_FORMAT_VERSION): PasswordArea {
  const outer = new TlvReader(bytes, base, 'password area');
  const rec = outer.expect(Tag.PASSWORD_RECORD, 'password record');
  outer.end();
  const r = TlvReader.of(rec, 'password record');
  const v = formatVersion === 1 ? r.optional(0x80) : undefined;
  const puk = r.optional(0x81);
  const mk = r.optional(0x82);
  r.end();
  if (v) fixed(v, 64, 'PIN verifier').fill(0);
  if (mk && ![17, 25, 33].includes(mk.value.length))
    throw formatError(VscErrorCode.Value, 'management key must be 16, 24 or 32 bytes', mk.start);
  return {
    ...(puk ? { puk: Buffer.from(fixed(puk, 8, 'PUK')) } : {}),
    ...(mk ? { managementKey: { algorithm: mk.value[0], key: Buffer.from(mk.value.subarray(1)) } } : {}),
  };
}
