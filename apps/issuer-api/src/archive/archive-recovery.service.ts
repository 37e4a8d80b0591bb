import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { ArchiveError, ArchiveErrorCode, FileImageSource, recoverVscFromImage } from '@scm/archive';
import { VSC_REPOSITORY, type VscRepository } from '../issuance/vsc-escrow/vsc.repository';
import type { TxScope } from '../platform/infra/unit-of-work';
import { ARCHIVE_REPOSITORY, type ArchiveRepository } from './archive.repository';

export type VscCopySource = 'escrow' | 'archive';

/** A sealed VSC content version read back, exactly as sealed. */
export interface RecoveredVscCopy {
  vscId: string;
  version: number;
  /** The content file's bytes; opening them needs the HSM (VirtualSmartCard.load, recovery path). */
  content: Buffer;
  sha256: string;
  source: VscCopySource;
  /** The volume it was read from (archive source). */
  volume?: number;
}

const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Reads a sealed VSC version back for the help desk's flows (reissue, temporary card, data
 * recovery): from the online escrow in PostgreSQL, or from the archive volume holding it — the
 * image file checked against the hash recorded at sealing, its manifest signature, and the file
 * against its manifest entry. Both paths check the bytes against the SHA-256 recorded when the
 * version was escrowed. Reading is not a change of state; the calling flow audits the recovery.
 */
@Injectable()
export class ArchiveRecoveryService {
  constructor(
    @Inject(ARCHIVE_REPOSITORY) private readonly archives: ArchiveRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
  ) {}

  /**
   * `from`: 'escrow', 'archive', or 'any' (the escrow, then the archive when the escrow copy is
   * missing or no longer matches its hash). Throws ArchiveError NotFound, EscrowMismatch or ImageInvalid.
   */
  async readVsc(ref: { vscId: string; version: number }, from: VscCopySource | 'any' = 'any', tx?: TxScope): Promise<RecoveredVscCopy> {
    await this.refusePurged(ref, tx);
    if (from === 'archive') return this.fromArchive(ref, tx);
    try {
      return await this.fromEscrow(ref, tx);
    } catch (e) {
      if (from === 'escrow' || !(e instanceof ArchiveError)) throw e;
      return this.fromArchive(ref, tx);
    }
  }

  /**
   * A leaver's version purged after its retention period (docs/lifecycle.md) is read from nowhere:
   * its escrow copy is empty, and the copy still on write-once media is not used for recovery.
   */
  private async refusePurged(ref: { vscId: string; version: number }, tx?: TxScope): Promise<void> {
    const facts = (await this.vscs.versions(ref.vscId, tx)).find((v) => v.version === ref.version);
    if (facts?.purgedAt)
      throw new ArchiveError(
        ArchiveErrorCode.Purged,
        `VSC ${ref.vscId} v${ref.version} was purged at ${facts.purgedAt.toISOString()} after its retention period ` +
          `(purge ${facts.purgeId}): its keys can no longer be recovered`,
        { ...ref, purgeId: facts.purgeId },
      );
  }

  private async fromEscrow(ref: { vscId: string; version: number }, tx?: TxScope): Promise<RecoveredVscCopy> {
    const stored = await this.vscs.version(ref.vscId, ref.version, tx);
    if (!stored) throw new ArchiveError(ArchiveErrorCode.NotFound, `no escrowed VSC ${ref.vscId} v${ref.version}`, ref);
    const sha = sha256Hex(stored.content);
    if (sha !== stored.sha256.toString('hex'))
      throw new ArchiveError(
        ArchiveErrorCode.EscrowMismatch,
        `the escrow copy of VSC ${ref.vscId} v${ref.version} does not match its SHA-256`,
        ref,
      );
    return { ...ref, content: stored.content, sha256: sha, source: 'escrow' };
  }

  private async fromArchive(ref: { vscId: string; version: number }, tx?: TxScope): Promise<RecoveredVscCopy> {
    const at = await this.archives.locate(ref.vscId, ref.version, tx);
    if (!at) throw new ArchiveError(ArchiveErrorCode.NotFound, `VSC ${ref.vscId} v${ref.version} is in no archive volume`, ref);
    const { volume: v, entry } = at;
    const path = join(v.directory, v.imageName);
    let image: FileImageSource;
    try {
      // Read by position: the recovery of one VSC holds a few pages of the image, not all of it.
      image = FileImageSource.open(path);
    } catch (e) {
      throw new ArchiveError(
        ArchiveErrorCode.NotFound,
        `the image of volume ${v.volume} is not at ${path} (${(e as NodeJS.ErrnoException).code})`,
        {
          ...ref,
          volume: v.volume,
        },
      );
    }
    let got;
    try {
      got = recoverVscFromImage(image, ref, {
        expectedImageSha256: v.imageSha256.toString('hex'),
        expectedSignerSha256: v.signerCertSha256.toString('hex'),
      });
    } finally {
      image.close();
    }
    if (got.entry.sha256 !== entry.sha256.toString('hex'))
      throw new ArchiveError(
        ArchiveErrorCode.ImageInvalid,
        `volume ${v.volume} holds another copy of VSC ${ref.vscId} v${ref.version} than recorded`,
        ref,
      );
    return { ...ref, content: got.content, sha256: got.entry.sha256, source: 'archive', volume: v.volume };
  }
}
