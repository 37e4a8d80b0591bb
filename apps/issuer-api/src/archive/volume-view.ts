import type { StoredVolume } from '@scm/archive';
import type { ArchiveEntry, ArchiveVolume } from './archive.repository';

/** A VSC version in a volume, as the API shows it. */
export interface VolumeEntryView {
  vscId: string;
  version: number;
  path: string;
  sha256: string;
  size: number;
  cardSerial: string | null;
}

/** A volume as the API shows it (the shape libs/archive's listings use: hashes in hex, numbers as numbers). */
export const volumeView = (v: ArchiveVolume): StoredVolume => ({
  volume: v.volume,
  volumeId: v.volumeId,
  imageName: v.imageName,
  sidecarName: v.sidecarName,
  directory: v.directory,
  imageSha256: v.imageSha256.toString('hex'),
  imageSize: Number(v.imageSize),
  manifestSha256: v.manifestSha256.toString('hex'),
  previous:
    v.previousVolume !== null && v.previousSha256 ? { volume: v.previousVolume, imageSha256: v.previousSha256.toString('hex') } : null,
  audit: { seq: Number(v.auditSeq), headHash: v.auditHeadHash.toString('hex') },
  signer: { keyLabel: v.signerKey, certificateSha256: v.signerCertSha256.toString('hex') },
  entries: v.entries,
  createdAt: v.createdAt.toISOString(),
});

export const volumeEntryView = (e: ArchiveEntry): VolumeEntryView => ({
  vscId: e.vscId,
  version: e.version,
  path: e.path,
  sha256: e.sha256.toString('hex'),
  size: e.size,
  cardSerial: e.cardSerial,
});
