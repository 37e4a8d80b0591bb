import {
  BASE64,
  DocumentError,
  HEX,
  HEX32,
  ISO_TIME,
  KEY_LABEL,
  arrayOf,
  decodeDocument,
  encodeDocument,
  int,
  nullable,
  obj,
  str,
  type JsonValue,
} from './document';
import { SECTOR } from '../volume/layout';

export const SIDECAR_FORMAT = 'scm-archive-sidecar/1';

/** What a stretch of the image holds, for naming the place of a changed byte. */
export type RegionKind = 'iso' | 'manifest' | 'signature' | 'certificates' | 'padding';

/**
 * A run of whole sectors of the image that is not a VSC file, with its SHA-256. VSC files are
 * covered by the manifest; these regions cover everything else, so a changed byte anywhere is
 * named: a VSC file, the manifest, its signature, the certificates, an ISO structure or padding.
 */
export interface SidecarRegion {
  offset: number;
  length: number;
  kind: RegionKind;
  name: string;
  sha256: string;
}

/** The signed record written beside an image: the SHA-256 of the whole image and its map. */
export interface Sidecar {
  format: typeof SIDECAR_FORMAT;
  volume: number;
  createdAt: string;
  image: { name: string; size: number; sha256: string };
  manifestSha256: string;
  previousImageSha256: string | null;
  regions: SidecarRegion[];
  signer: { keyLabel: string; algorithm: 'ECDSA-SHA256' | 'ECDSA-SHA384'; certificate: string };
  /** DER signature over the sidecar without this field, hex. */
  signature: string;
}

export type UnsignedSidecar = Omit<Sidecar, 'signature'>;

const COMPACT = new Set(['regions']);

const regionCheck = obj({
  offset: int(0),
  length: int(SECTOR),
  kind: str(/^(iso|manifest|signature|certificates|padding)$/),
  name: str(/^[\x20-\x7e]{1,200}$/),
  sha256: str(HEX32),
});

const body = {
  format: str(/^scm-archive-sidecar\/1$/),
  volume: int(1, 999_999),
  createdAt: str(ISO_TIME),
  image: obj({ name: str(/^[A-Za-z0-9._-]{1,200}$/), size: int(SECTOR), sha256: str(HEX32) }),
  manifestSha256: str(HEX32),
  previousImageSha256: nullable(str(HEX32)),
  regions: arrayOf(regionCheck, 100_000),
  signer: obj({ keyLabel: str(KEY_LABEL), algorithm: str(/^ECDSA-SHA(256|384)$/), certificate: str(BASE64, 16384) }),
};
const sidecarCheck = obj({ ...body, signature: str(HEX, 1024) });

/** The bytes the sidecar signature covers. */
export function sidecarSignedBytes(s: UnsignedSidecar): Buffer {
  const { format, volume, createdAt, image, manifestSha256, previousImageSha256, regions, signer } = s;
  const unsigned: UnsignedSidecar = { format, volume, createdAt, image, manifestSha256, previousImageSha256, regions, signer };
  checkRegions(unsigned);
  return encodeDocument(unsigned as unknown as JsonValue, COMPACT);
}

export function encodeSidecar(s: Sidecar): Buffer {
  sidecarCheck(JSON.parse(JSON.stringify(s)) as JsonValue, 'sidecar');
  checkRegions(s);
  return encodeDocument(s as unknown as JsonValue, COMPACT);
}

/** Parses sidecar bytes (canonical form and shape); the signature is checked by the verifier. */
export function decodeSidecar(bytes: Uint8Array): Sidecar {
  const v = decodeDocument(bytes, COMPACT, 'the sidecar');
  const s = sidecarCheck(v, 'sidecar') as Sidecar;
  checkRegions(s);
  return s;
}

function checkRegions(s: UnsignedSidecar): void {
  if (s.image.size % SECTOR !== 0) throw new DocumentError('sidecar: the image size is not a whole number of sectors');
  let end = 0;
  for (const r of s.regions) {
    if (r.offset % SECTOR !== 0 || r.length % SECTOR !== 0) throw new DocumentError(`sidecar: region ${r.name} is not sector-aligned`);
    if (r.offset < end) throw new DocumentError(`sidecar: region ${r.name} overlaps the one before or is out of order`);
    end = r.offset + r.length;
    if (end > s.image.size) throw new DocumentError(`sidecar: region ${r.name} runs past the end of the image`);
  }
}
