import {
  BASE64,
  DocumentError,
  HEX,
  HEX32,
  ISO_TIME,
  KEY_LABEL,
  UUID,
  arrayOf,
  decodeDocument,
  encodeDocument,
  int,
  nullable,
  obj,
  str,
  type JsonValue,
} from './document';
import { CERTIFICATES_PATH, MANIFEST_FORMATS, type ManifestFormat, vscPath } from '../volume/layout';

export { MANIFEST_FORMAT, MANIFEST_FORMATS, type ManifestFormat } from '../volume/layout';

/** One sealed VSC content version on the volume. */
export interface ManifestEntry {
  /** Path in the image: `vsc/<first two characters of the id>/<id>-v<version>.vsc` (format /1: `vsc/<id>-v<version>.vsc`). */
  path: string;
  vscId: string;
  version: number;
  /** Serial of the card the VSC twins, when a card was bound by the time of sealing. */
  cardSerial: string | null;
  /** SHA-256 of the file (the VSC content hash), hex. */
  sha256: string;
  size: number;
  /** HSM keys named in the VSC header (`label/version`): what is needed to open it again. */
  kek: string;
  recoveryKey: string;
}

/** The audit checkpoint signed at sealing time: the chain head the volume is anchored to. */
export interface ManifestCheckpoint {
  seq: number;
  headHash: string;
  signedAt: string;
  keyLabel: string;
  algorithm: string;
  /** SubjectPublicKeyInfo of the checkpoint key, base64. */
  publicKey: string;
  /** Signature over the checkpoint message (libs/audit), hex. */
  signature: string;
}

export interface Manifest {
  format: ManifestFormat;
  volume: number;
  volumeId: string;
  createdAt: string;
  /** The volume this one follows, by number and the SHA-256 of its whole image; null for volume 1. */
  previous: { volume: number; imageSha256: string } | null;
  audit: ManifestCheckpoint;
  signer: {
    keyLabel: string;
    algorithm: 'ECDSA-SHA256' | 'ECDSA-SHA384';
    /** SHA-256 of the signer certificate (DER): its fingerprint. */
    certificateSha256: string;
    /** The certificate file in the image (signer first, then up to the root) and its SHA-256. */
    certificates: { path: string; sha256: string };
  };
  entries: ManifestEntry[];
}

export const COMPACT_MANIFEST_KEYS: ReadonlySet<string> = new Set(['entries']);
const COMPACT = COMPACT_MANIFEST_KEYS;
const SERIAL = /^[\x20-\x7e]{1,64}$/;

export const manifestEntryCheck = obj({
  // Format /2 adds a subdirectory; checkManifest then holds each path to its format's layout.
  path: str(/^vsc\/(?:[0-9a-f]{2}\/)?[0-9a-f-]{36}-v[1-9][0-9]{0,9}\.vsc$/),
  vscId: str(UUID),
  version: int(1, 0xffffffff),
  cardSerial: nullable(str(SERIAL)),
  sha256: str(HEX32),
  size: int(16, 8 * 1024 * 1024),
  kek: str(KEY_LABEL),
  recoveryKey: str(KEY_LABEL),
});

export const manifestCheck = obj({
  format: str(/^scm-archive-manifest\/[12]$/),
  volume: int(1, 999_999),
  volumeId: str(/^SCM_ARCHIVE_\d{6}$/),
  createdAt: str(ISO_TIME),
  previous: nullable(obj({ volume: int(1, 999_998), imageSha256: str(HEX32) })),
  audit: obj({
    seq: int(1),
    headHash: str(HEX32),
    signedAt: str(ISO_TIME),
    keyLabel: str(KEY_LABEL),
    algorithm: str(/^(ECDSA-SHA256|ECDSA-SHA384|RSA-SHA256)$/),
    publicKey: str(BASE64, 2048),
    signature: str(HEX, 1024),
  }),
  signer: obj({
    keyLabel: str(KEY_LABEL),
    algorithm: str(/^ECDSA-SHA(256|384)$/),
    certificateSha256: str(HEX32),
    certificates: obj({ path: str(/^CERTS\.PEM$/), sha256: str(HEX32) }),
  }),
  entries: arrayOf(manifestEntryCheck),
});

/** The canonical bytes of a manifest (entries sorted by path, one per line). */
export function encodeManifest(m: Manifest): Buffer {
  manifestCheck(JSON.parse(JSON.stringify(m)) as JsonValue, 'manifest');
  checkManifest(m);
  return encodeDocument(m as unknown as JsonValue, COMPACT);
}

/** Parses manifest bytes: canonical form, shape, and the rules between fields. Throws DocumentError. */
export function decodeManifest(bytes: Uint8Array): Manifest {
  const v = decodeDocument(bytes, COMPACT, 'the manifest');
  const m = manifestCheck(v, 'manifest') as Manifest;
  checkManifest(m);
  return m;
}

function checkManifest(m: Manifest): void {
  checkManifestHeader(m);
  if (m.entries.length === 0) throw new DocumentError('manifest: a volume holds at least one VSC');
  let last = '';
  for (const e of m.entries) {
    checkManifestEntry(e, m.format, last);
    last = e.path;
  }
}

/** The rules between the fields of a manifest other than its entries. Throws DocumentError. */
export function checkManifestHeader(m: Omit<Manifest, 'entries'>): void {
  const bad = (what: string): never => {
    throw new DocumentError(`manifest: ${what}`);
  };
  if (!MANIFEST_FORMATS.includes(m.format)) bad('unknown format');
  if (m.volumeId !== `SCM_ARCHIVE_${String(m.volume).padStart(6, '0')}`) bad('the volume id does not match the volume number');
  if ((m.volume === 1) !== (m.previous === null)) bad('volume 1, and only volume 1, has no previous volume');
  if (m.previous && m.previous.volume !== m.volume - 1) bad(`volume ${m.volume} must follow volume ${m.volume - 1}`);
  if (m.signer.certificates.path !== CERTIFICATES_PATH) bad('unexpected certificate file');
}

/** An entry's path is its VSC's in the layout of `format`, and comes after `previousPath`. Throws DocumentError. */
export function checkManifestEntry(e: ManifestEntry, format: ManifestFormat, previousPath: string): void {
  if (e.path !== vscPath(e.vscId, e.version, format))
    throw new DocumentError(`manifest: entry ${e.path} does not match its VSC id and version`);
  if (e.path <= previousPath) throw new DocumentError(`manifest: entries are not sorted by path or repeat (${e.path})`);
}
