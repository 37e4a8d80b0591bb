import { X509Certificate, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ArchiveError, ArchiveErrorCode } from '../archive-errors';
import { MANIFEST_FORMAT, encodeManifest, type Manifest, type ManifestEntry } from '../format/manifest.codec';
import { SIDECAR_FORMAT, encodeSidecar, sidecarSignedBytes, type RegionKind, type UnsignedSidecar } from '../format/sidecar.codec';
import { encodePemBundle, sha256, sha256Hex } from '../format/signatures';
import { FileImageSource, sha256OfRange } from '../iso/image-source';
import { readVscHeader } from '../format/vsc-header';
import { mapImage } from '../iso/image-map';
import { readIso } from '../iso/iso9660-reader';
import {
  CERTIFICATES_PATH,
  MANIFEST_PATH,
  SIGNATURE_PATH,
  VSC_DIR,
  imageNameOf,
  sidecarNameOf,
  volumeIdOf,
  vscPath,
} from '../volume/layout';
import { verifyVolume, type Finding } from '../volume/verify-volume';
import type { ArchiveSigner, ArchiveSource, CheckpointProvider, IsoWriter, PendingVersion, VolumeRecord } from './archive-ports';
import { xorrisoWriter } from './xorriso-writer';

export interface SealDeps {
  source: ArchiveSource;
  signer: ArchiveSigner;
  checkpoint: CheckpointProvider;
  now: () => Date;
  writer?: IsoWriter;
  /** Told of what went wrong but was overcome (an image write interrupted and done again). */
  warn?: (message: string) => void;
}

export interface SealedVolume extends VolumeRecord {
  imagePath: string;
  sidecarPath: string;
  /** Files of an earlier attempt whose transaction never committed, moved aside. */
  movedAside: string[];
}

export type SealResult =
  { sealed: true; volume: SealedVolume } | { sealed: false; reason: 'nothing-new'; lastVolume: number | null; message: string };

const BATCH = 500;
const SPECIAL: Record<string, RegionKind> = {
  [MANIFEST_PATH]: 'manifest',
  [SIGNATURE_PATH]: 'signature',
  [CERTIFICATES_PATH]: 'certificates',
};

/**
 * Seals the next archive volume: every escrowed VSC version not yet archived goes into a new ISO
 * 9660 image (xorriso) with a manifest of their hashes, the audit chain head (a checkpoint signed
 * now), the previous volume's image hash, the manifest signature and the certificate chain; a
 * signed sidecar beside it holds the whole image's SHA-256 and its map. The image is verified as
 * read back, made read-only, and recorded through the source (in the caller's transaction).
 * With nothing new, nothing is written.
 */
export async function sealVolume(deps: SealDeps, opts: { outDir: string }): Promise<SealResult> {
  const { source, signer } = deps;
  await source.lock();
  const pending = await source.pendingVersions();
  const last = await source.lastVolume();
  if (pending.length === 0) {
    return {
      sealed: false,
      reason: 'nothing-new',
      lastVolume: last?.volume ?? null,
      message: `nothing to seal: every escrowed VSC version is already in a volume${last ? ` (the last is volume ${last.volume})` : ''}`,
    };
  }
  const signerCert = new X509Certificate(signer.certificates[0]);
  const createdAt = new Date(Math.floor(deps.now().getTime()));
  if (Date.parse(signerCert.validTo) < createdAt.getTime() || Date.parse(signerCert.validFrom) > createdAt.getTime())
    throw new ArchiveError(
      ArchiveErrorCode.SignerNotReady,
      `the archive key's certificate is not valid now (${signerCert.validFrom} .. ${signerCert.validTo})`,
    );

  const volume = (last?.volume ?? 0) + 1;
  const volumeId = volumeIdOf(volume);
  const outDir = resolve(opts.outDir);
  await mkdir(outDir, { recursive: true });
  const staging = join(outDir, `.staging-${volume}-${randomBytes(6).toString('hex')}`);
  const root = join(staging, 'root');
  await mkdir(join(root, VSC_DIR), { recursive: true });
  try {
    const entries = await stageFiles(source, pending, root);
    const checkpoint = await deps.checkpoint();
    const certificates = encodePemBundle(signer.certificates);
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      volume,
      volumeId,
      createdAt: createdAt.toISOString(),
      previous: last ? { volume: last.volume, imageSha256: last.imageSha256 } : null,
      audit: {
        seq: checkpoint.seq,
        headHash: checkpoint.headHash,
        signedAt: checkpoint.signedAt,
        keyLabel: checkpoint.keyLabel,
        algorithm: checkpoint.algorithm,
        publicKey: Buffer.from(checkpoint.publicKey).toString('base64'),
        signature: Buffer.from(checkpoint.signature).toString('hex'),
      },
      signer: {
        keyLabel: signer.keyLabel,
        algorithm: signer.algorithm,
        certificateSha256: sha256Hex(signer.certificates[0]),
        certificates: { path: CERTIFICATES_PATH, sha256: sha256Hex(certificates) },
      },
      entries,
    };
    const manifestBytes = encodeManifest(manifest);
    await writeFile(join(root, MANIFEST_PATH), manifestBytes);
    await writeFile(join(root, SIGNATURE_PATH), await signer.sign(manifestBytes));
    await writeFile(join(root, CERTIFICATES_PATH), certificates);

    const imageName = imageNameOf(volume);
    const stagedImage = join(staging, imageName);
    await (deps.writer ?? xorrisoWriter('xorriso', { onRetry: (why) => deps.warn?.(`writing ${imageName} again: xorriso ${why}`) }))(
      root,
      stagedImage,
      volumeId,
    );
    // The image as written is read back by position (a few pages at a time): mapped, hashed
    // and verified without holding it in memory.
    const image = FileImageSource.open(stagedImage);
    let imageSha256: string;
    let unsigned: UnsignedSidecar;
    let sidecar: Buffer;
    try {
      let regions;
      try {
        regions = mapImage(image, readIso(image), SPECIAL);
      } catch (e) {
        throw new ArchiveError(
          ArchiveErrorCode.WriterFailed,
          `the image xorriso wrote does not read back: ${(e as Error).message}`,
          {},
          { cause: e },
        );
      }
      imageSha256 = sha256OfRange(image);
      unsigned = {
        format: SIDECAR_FORMAT,
        volume,
        createdAt: manifest.createdAt,
        image: { name: imageName, size: image.size, sha256: imageSha256 },
        manifestSha256: sha256Hex(manifestBytes),
        previousImageSha256: manifest.previous?.imageSha256 ?? null,
        regions: regions
          .filter((r) => r.kind !== 'file')
          .map((r) => ({
            offset: r.offset,
            length: r.length,
            kind: r.kind as RegionKind,
            name: r.name,
            sha256: sha256OfRange(image, r.offset, r.length),
          })),
        signer: {
          keyLabel: signer.keyLabel,
          algorithm: signer.algorithm,
          certificate: Buffer.from(signer.certificates[0]).toString('base64'),
        },
      };
      sidecar = encodeSidecar({ ...unsigned, signature: (await signer.sign(sidecarSignedBytes(unsigned))).toString('hex') });

      // Verify after write: the image as read back passes the same offline check an auditor runs.
      const check = verifyVolume(image, { sidecar });
      if (!check.ok) {
        const bad = check.findings.filter((f: Finding) => !f.ok).map((f) => f.message);
        throw new ArchiveError(ArchiveErrorCode.WriterFailed, `the new volume fails its own verification: ${bad.join('; ')}`, {
          findings: bad,
        });
      }
    } finally {
      image.close();
    }
    const imageSize = (await stat(stagedImage)).size;

    const sidecarName = sidecarNameOf(imageName);
    const record: VolumeRecord = {
      volume,
      volumeId,
      createdAt,
      directory: outDir,
      imageName,
      sidecarName,
      imageSha256,
      imageSize,
      manifestSha256: unsigned.manifestSha256,
      previous: manifest.previous,
      audit: { seq: checkpoint.seq, headHash: checkpoint.headHash },
      signer: { keyLabel: signer.keyLabel, certificateSha256: manifest.signer.certificateSha256 },
      entries,
    };
    await source.recordVolume(record);

    const stagedSidecar = join(staging, sidecarName);
    await writeFile(stagedSidecar, sidecar);
    const movedAside: string[] = [];
    const imagePath = join(outDir, imageName);
    const sidecarPath = join(outDir, sidecarName);
    for (const p of [imagePath, sidecarPath]) {
      // The source knows no volume with this number, so a file of that name is left from an
      // attempt whose transaction did not commit: keep it, out of the way.
      if (await exists(p)) {
        const aside = join(outDir, 'uncommitted', `${createdAt.toISOString().replace(/[:.]/g, '')}-${p.split('/').pop()}`);
        await mkdir(join(outDir, 'uncommitted'), { recursive: true });
        await rename(p, aside);
        movedAside.push(aside);
      }
    }
    for (const [from, to] of [
      [stagedImage, imagePath],
      [stagedSidecar, sidecarPath],
    ]) {
      await chmod(from, 0o444);
      await syncFile(from);
      await rename(from, to);
    }
    await syncFile(outDir);
    return { sealed: true, volume: { ...record, imagePath, sidecarPath, movedAside } };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function stageFiles(source: ArchiveSource, pending: readonly PendingVersion[], root: string): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  // The subdirectories of vsc/ made so far (the layout spreads the files over at most 256 of them).
  const dirs = new Set<string>();
  for (let i = 0; i < pending.length; i += BATCH) {
    const batch = pending.slice(i, i + BATCH);
    const contents = await source.contents(batch);
    // The batch's files are written side by side; one batch of contents is held at a time.
    const writes: Promise<void>[] = [];
    try {
      for (let j = 0; j < batch.length; j++) {
        const p = batch[j];
        const bytes = contents[j];
        const where = `VSC ${p.vscId} v${p.version}`;
        if (!bytes || !sha256(bytes).equals(p.sha256))
          throw new ArchiveError(
            ArchiveErrorCode.EscrowMismatch,
            `${where} in escrow does not match the SHA-256 recorded when it was sealed`,
            {
              vscId: p.vscId,
              version: p.version,
            },
          );
        let header;
        try {
          // The bytes are the escrowed version (its hash just checked), which passed the VSC
          // consistency check when it was sealed: what the manifest records is read from its header.
          header = readVscHeader(bytes);
        } catch (e) {
          throw new ArchiveError(ArchiveErrorCode.EscrowMismatch, `${where} in escrow fails its format check: ${(e as Error).message}`, {
            vscId: p.vscId,
            version: p.version,
          });
        }
        if (header.id !== p.vscId || header.hierarchy.version !== p.version)
          throw new ArchiveError(
            ArchiveErrorCode.EscrowMismatch,
            `${where} in escrow names itself ${header.id} v${header.hierarchy.version}`,
            {
              vscId: p.vscId,
              version: p.version,
            },
          );
        const path = vscPath(p.vscId, p.version);
        const dir = dirname(join(root, path));
        if (!dirs.has(dir)) {
          await mkdir(dir, { recursive: true });
          dirs.add(dir);
        }
        writes.push(writeFile(join(root, path), bytes));
        entries.push({
          path,
          vscId: p.vscId,
          version: p.version,
          cardSerial: p.cardSerial,
          sha256: p.sha256.toString('hex'),
          size: bytes.length,
          kek: `${header.keys.kek.label}/${header.keys.kek.version}`,
          recoveryKey: `${header.keys.recovery.label}/${header.keys.recovery.version}`,
        });
      }
    } catch (e) {
      await Promise.allSettled(writes);
      throw e;
    }
    await Promise.all(writes);
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function syncFile(p: string): Promise<void> {
  const fh = await open(p, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
