import { X509Certificate } from 'node:crypto';
import { parseVscFile, VscFileType } from '@scm/vsc';
import { ArchiveError, ArchiveErrorCode } from '../archive-errors';
import type { Manifest, ManifestEntry } from '../format/manifest.codec';
import { readManifest, type ManifestHeader } from '../format/manifest-stream';
import { directoryFiles } from '../iso/iso9660-reader';
import { sha256Hex, verifyChain } from '../format/signatures';
import { sha256OfRange, toSource, type ImageInput } from '../iso/image-source';
import { SECTOR, vscPath } from './layout';
import { fileBytes, headSignatureValid, manifestSignatureValid, readVolumeHead, readVolumeParts } from './verify-volume';

export interface RecoverFromImageOptions {
  /** The image's SHA-256 as recorded when it was sealed; the image is refused when it differs. */
  expectedImageSha256?: string;
  /** Trust anchors (DER): the manifest signer must chain to one of them. */
  issuerCertificates?: readonly Uint8Array[];
  /** The signer certificate's SHA-256 as recorded; the manifest must be signed by that certificate. */
  expectedSignerSha256?: string;
}

export interface RecoveredVsc {
  /** The VSC content file, exactly as sealed. */
  content: Buffer;
  entry: ManifestEntry;
  volume: number;
  /** The manifest without its entries. */
  manifest: ManifestHeader;
}

const invalid = (message: string, meta: Record<string, unknown> = {}): ArchiveError =>
  new ArchiveError(ArchiveErrorCode.ImageInvalid, message, meta);

/**
 * Reads one VSC content version back from a volume image: the image (optionally against its
 * recorded hash), the manifest and its signature, then the file, whose hash, size and format
 * must be what the manifest says. Returns the bytes; opening them needs the HSM (libs/vsc).
 * The manifest is read as a stream and only the file's directory is listed: a volume of any size
 * is read holding a few pages of it.
 */
export function recoverVscFromImage(
  input: ImageInput,
  ref: { vscId: string; version: number },
  opts: RecoverFromImageOptions = {},
): RecoveredVsc {
  const image = toSource(input);
  if (opts.expectedImageSha256 && sha256OfRange(image) !== opts.expectedImageSha256)
    throw invalid('the image is not the one recorded when the volume was sealed (its SHA-256 differs)');
  const parts = readVolumeHead(image);
  if (!parts.iso) throw invalid(`the image does not read as ISO 9660: ${parts.isoError?.message}`);
  const m = parts.manifest;
  if (!m || !parts.manifestFile) throw invalid(`the manifest does not read: ${parts.manifestError}`);
  if (!headSignatureValid(parts)) throw invalid(`the manifest of volume ${m.volume} does not verify under its signer certificate`);
  if (opts.expectedSignerSha256 && m.signer.certificateSha256 !== opts.expectedSignerSha256)
    throw invalid(`volume ${m.volume} is signed by another certificate than the one recorded`);
  if (opts.issuerCertificates?.length) {
    const r = verifyChain(parts.chain!, opts.issuerCertificates, new Date(m.createdAt));
    if (!r.ok) throw invalid(`the signer of volume ${m.volume} is not trusted: ${r.problems.join('; ')}`);
  }
  const path = vscPath(ref.vscId, ref.version, m.format);
  let entry: ManifestEntry | undefined;
  // The entries are sorted by path: the search stops at the first one past it.
  const entries = readManifest(image, parts.manifestFile.lba * SECTOR, parts.manifestFile.size);
  for (let r = entries.next(); !r.done && r.value.path <= path; r = entries.next()) if (r.value.path === path) entry = r.value;
  if (!entry)
    throw new ArchiveError(ArchiveErrorCode.NotFound, `VSC ${ref.vscId} v${ref.version} is not in volume ${m.volume}`, {
      ...ref,
      volume: m.volume,
    });
  const dir = parts.iso.directories.find((d) => d.tree === 'iso' && d.path === `/${path.slice(0, path.lastIndexOf('/'))}`);
  const f = dir ? directoryFiles(image, parts.iso, dir).find((x) => x.path === path) : undefined;
  if (!f) throw invalid(`${path} is in the manifest of volume ${m.volume} but not in the image`);
  const content = Buffer.from(fileBytes(image, f));
  if (content.length !== entry.size || sha256Hex(content) !== entry.sha256)
    throw invalid(`${path} in volume ${m.volume} does not match its manifest entry`);
  let parsed;
  try {
    parsed = parseVscFile(content);
  } catch (e) {
    throw invalid(`${path} in volume ${m.volume} fails its format check: ${(e as Error).message}`);
  }
  if (
    parsed.type !== VscFileType.Content ||
    parsed.content.header.id !== ref.vscId ||
    parsed.content.header.hierarchy.version !== ref.version
  )
    throw invalid(`${path} in volume ${m.volume} is not VSC ${ref.vscId} v${ref.version}`);
  return { content, entry, volume: m.volume, manifest: m };
}

/** What `scm archive list` shows: the manifest (signature checked) and the files of the image. */
export function listVolume(image: ImageInput): {
  manifest: Manifest;
  signatureValid: boolean;
  signer: { subject: string; fingerprint: string } | null;
  files: Array<{ path: string; offset: number; size: number }>;
} {
  const parts = readVolumeParts(image);
  if (!parts.iso) throw invalid(`the image does not read as ISO 9660: ${parts.isoError?.message}`);
  if (!parts.manifest) throw invalid(`the manifest does not read: ${parts.manifestError}`);
  const cert = parts.chain?.[0] ? new X509Certificate(parts.chain[0]) : undefined;
  return {
    manifest: parts.manifest,
    signatureValid: manifestSignatureValid(parts),
    signer: cert ? { subject: cert.subject.replace(/\n/g, ', '), fingerprint: cert.fingerprint256.toLowerCase() } : null,
    files: parts.iso.files.map((f) => ({ path: f.path, offset: f.lba * 2048, size: f.size })),
  };
}
