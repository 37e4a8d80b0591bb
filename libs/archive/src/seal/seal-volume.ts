import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { chmod, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ArchiveError, ArchiveErrorCode } from '../archive-errors';
import { MANIFEST_FORMAT, type ManifestEntry } from '../format/manifest.codec';
import { ManifestEntriesText, manifestFrame, readManifest, type ManifestHeader } from '../format/manifest-stream';
import { SIDECAR_FORMAT, encodeSidecar, sidecarSignedBytes, type RegionKind, type UnsignedSidecar } from '../format/sidecar.codec';
import { encodePemBundle, sha256, sha256Hex } from '../format/signatures';
import { FileImageSource, sha256OfRange } from '../iso/image-source';
import { readVscHeader } from '../format/vsc-header';
import { mapImage } from '../iso/image-map';
import { readIsoStructure } from '../iso/iso9660-reader';
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
import { removeTree } from './remove-tree';
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
  const last = await source.lastVolume();
  const pending = source.pendingVersions(BATCH)[Symbol.asyncIterator]();
  const first = await pending.next();
  if (first.done || first.value.length === 0) {
    await pending.return?.();
    return {
      sealed: false,
      reason: 'nothing-new',
      lastVolume: last?.volume ?? null,
      message: `nothing to seal: every escrowed VSC version is already in a volume${last ? ` (the last is volume ${last.volume})` : ''}`,
    };
  }
  const signerCert = new X509Certificate(signer.certificates[0]);
  const createdAt = new Date(Math.floor(deps.now().getTime()));
  if (Date.parse(signerCert.validTo) < createdAt.getTime() || Date.parse(signerCert.validFrom) > createdAt.getTime()) {
    await pending.return?.();
    throw new ArchiveError(
      ArchiveErrorCode.SignerNotReady,
      `the archive key's certificate is not valid now (${signerCert.validFrom} .. ${signerCert.validTo})`,
    );
  }

  const volume = (last?.volume ?? 0) + 1;
  const volumeId = volumeIdOf(volume);
  const outDir = resolve(opts.outDir);
  await mkdir(outDir, { recursive: true });
  const staging = join(outDir, `.staging-${volume}-${randomBytes(6).toString('hex')}`);
  const root = join(staging, 'root');
  await mkdir(join(root, VSC_DIR), { recursive: true });
  let removal: Promise<void> | undefined;
  try {
    // The VSC files are staged and the manifest's entries written as the escrow comes, a batch
    // at a time: nothing here holds the volume's list of versions.
    const entriesText = join(staging, 'entries.part');
    const count = await stageFiles(source, first.value, pending, root, entriesText);
    const checkpoint = await deps.checkpoint();
    const certificates = encodePemBundle(signer.certificates);
    const header: ManifestHeader = {
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
    };
    const manifestPath = join(root, MANIFEST_PATH);
    const { sha256: manifestSha256, signature } = await writeManifest(manifestPath, header, entriesText, signer);
    await rm(entriesText);
    await writeFile(join(root, SIGNATURE_PATH), signature);
    await writeFile(join(root, CERTIFICATES_PATH), certificates);

    const imageName = imageNameOf(volume);
    const stagedImage = join(staging, imageName);
    await (deps.writer ?? xorrisoWriter('xorriso', { onRetry: (why) => deps.warn?.(`writing ${imageName} again: xorriso ${why}`) }))(
      root,
      stagedImage,
      volumeId,
    );
    // The staged VSC files are in the image now: they go while the image is checked (unlinking
    // 100,000 files takes seconds of the disk; the check is reading and hashing). The manifest
    // stays: the entries are recorded from it. Whatever is left goes with the staging at the end.
    removal = removeTree(join(root, VSC_DIR)).catch(() => undefined);
    // The image as written is read back by position (a few pages at a time) and one directory
    // at a time: mapped, hashed and verified without holding it, or its list of files, in memory.
    const image = FileImageSource.open(stagedImage);
    let imageSha256: string;
    let unsigned: UnsignedSidecar;
    let sidecar: Buffer;
    try {
      let regions;
      try {
        regions = mapImage(image, readIsoStructure(image), SPECIAL, { fileRegions: false });
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
        createdAt: header.createdAt,
        image: { name: imageName, size: image.size, sha256: imageSha256 },
        manifestSha256,
        previousImageSha256: header.previous?.imageSha256 ?? null,
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
          findings: bad.slice(0, 20),
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
      manifestSha256,
      previous: header.previous,
      audit: { seq: checkpoint.seq, headHash: checkpoint.headHash },
      signer: { keyLabel: signer.keyLabel, certificateSha256: header.signer.certificateSha256 },
      entries: count,
    };
    // The entries recorded are read back from the manifest as written (and verified just now).
    await source.recordVolume(record, entryBatches(manifestPath));

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
    await pending.return?.();
    await removal;
    await removeTree(staging);
  }
}

/**
 * Writes the manifest: its frame around the entries staged in `entriesText`, hashed and signed as
 * the bytes go out (the signer is handed parts, never the whole manifest).
 */
async function writeManifest(
  path: string,
  header: ManifestHeader,
  entriesText: string,
  signer: ArchiveSigner,
): Promise<{ sha256: string; signature: Buffer }> {
  const { prefix, suffix } = manifestFrame(header);
  const hash = createHash('sha256');
  const signature = signer.startSignature();
  const out = await open(path, 'w');
  try {
    const put = async (b: Buffer): Promise<void> => {
      hash.update(b);
      signature.update(b);
      await out.write(b);
    };
    await put(Buffer.from(prefix, 'utf8'));
    for await (const chunk of createReadStream(entriesText, { highWaterMark: 1 << 20 })) await put(chunk as Buffer);
    await put(Buffer.from(suffix, 'utf8'));
  } finally {
    await out.close();
  }
  return { sha256: hash.digest('hex'), signature: await signature.sign() };
}

/** The entries of a written manifest, read back a chunk at a time, in batches. */
async function* entryBatches(manifestPath: string, size = 2000): AsyncGenerator<ManifestEntry[]> {
  const src = FileImageSource.open(manifestPath);
  try {
    let batch: ManifestEntry[] = [];
    const it = readManifest(src, 0, src.size);
    for (let r = it.next(); !r.done; r = it.next()) {
      batch.push(r.value);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  } finally {
    src.close();
  }
}

/**
 * Stages the VSC files of every pending version, checked against the escrow's record, and writes
 * the manifest's entries for them to `entriesText`; returns how many. One batch is held at a time.
 */
async function stageFiles(
  source: ArchiveSource,
  first: PendingVersion[],
  rest: AsyncIterator<PendingVersion[]>,
  root: string,
  entriesText: string,
): Promise<number> {
  const text = new ManifestEntriesText(MANIFEST_FORMAT);
  // The subdirectories of vsc/ made so far (the layout spreads the files over at most 256 of them).
  const dirs = new Set<string>();
  const out = await open(entriesText, 'w');
  try {
    for (let next: PendingVersion[] | undefined = first; next;) {
      for (let i = 0; i < next.length; i += BATCH) {
        const batch = next.slice(i, i + BATCH);
        const contents = await source.contents(batch);
        // The batch's files are written side by side; one batch of contents is held at a time.
        const writes: Promise<void>[] = [];
        const lines: string[] = [];
        try {
          for (let j = 0; j < batch.length; j++) {
            const p = batch[j];
            const bytes = contents[j];
            const entry = checkedEntry(p, bytes);
            const dir = dirname(join(root, entry.path));
            if (!dirs.has(dir)) {
              // Made at once (at most 256 of them): an asynchronous mkdir would queue behind the
              // batch's writes in libuv's pool, and the batch stops and starts at every directory.
              mkdirSync(dir, { recursive: true });
              dirs.add(dir);
            }
            writes.push(writeFile(join(root, entry.path), bytes));
            try {
              lines.push(text.append(entry));
            } catch (e) {
              throw new ArchiveError(
                ArchiveErrorCode.EscrowMismatch,
                `VSC ${p.vscId} v${p.version} as the escrow gave it cannot go into the manifest: ${(e as Error).message}`,
                {
                  vscId: p.vscId,
                  version: p.version,
                },
              );
            }
          }
        } catch (e) {
          await Promise.allSettled(writes);
          throw e;
        }
        await Promise.all(writes);
        await out.write(lines.join(''));
      }
      const r = await rest.next();
      next = r.done ? undefined : r.value;
    }
  } finally {
    await out.close();
  }
  return text.count;
}

/** The manifest entry of an escrowed version, its bytes checked against what the escrow recorded. */
function checkedEntry(p: PendingVersion, bytes: Buffer | undefined): ManifestEntry {
  const where = `VSC ${p.vscId} v${p.version}`;
  if (!bytes || !sha256(bytes).equals(p.sha256))
    throw new ArchiveError(ArchiveErrorCode.EscrowMismatch, `${where} in escrow does not match the SHA-256 recorded when it was sealed`, {
      vscId: p.vscId,
      version: p.version,
    });
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
    throw new ArchiveError(ArchiveErrorCode.EscrowMismatch, `${where} in escrow names itself ${header.id} v${header.hierarchy.version}`, {
      vscId: p.vscId,
      version: p.version,
    });
  return {
    path: vscPath(p.vscId, p.version),
    vscId: p.vscId,
    version: p.version,
    cardSerial: p.cardSerial,
    sha256: p.sha256.toString('hex'),
    size: bytes.length,
    kek: `${header.keys.kek.label}/${header.keys.kek.version}`,
    recoveryKey: `${header.keys.recovery.label}/${header.keys.recovery.version}`,
  };
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
