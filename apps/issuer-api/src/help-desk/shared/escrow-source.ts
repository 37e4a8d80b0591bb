import { Inject, Injectable } from '@nestjs/common';
import type { VirtualSmartCard } from '@scm/vsc';
import { ArchiveRecoveryService, type VscCopySource } from '../../archive/archive-recovery.service';
import { VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import { VSC_REPOSITORY, type VscRepository } from '../../issuance/vsc-escrow/vsc.repository';
import type { Tx } from '../../platform/infra/unit-of-work';

/** Where the help desk reads a card's escrow from: the online escrow, an archive volume, or either (escrow first). */
export type EscrowFrom = VscCopySource | 'any';
export const ESCROW_FROM: readonly EscrowFrom[] = ['any', 'escrow', 'archive'];

/** A sealed version read back and opened through the recovery path; the caller closes `vsc`. */
export interface OpenedEscrow {
  vsc: VirtualSmartCard;
  vscId: string;
  version: number;
  sha256: string;
  source: VscCopySource;
  volume?: number;
}

/**
 * Reads a card's escrowed VSC back — from PostgreSQL, or from the archive volume that holds it
 * (ArchiveRecoveryService checks the image, the manifest signature and the recorded hashes) — and
 * opens it through the recovery path (the HSM's recovery key) of VscEscrowService, which raises
 * the integrity alarm for a copy that does not read back as sealed. Only escrowed versions are used.
 */
@Injectable()
export class EscrowSource {
  constructor(
    private readonly archive: ArchiveRecoveryService,
    private readonly vscs: VscEscrowService,
    @Inject(VSC_REPOSITORY) private readonly vscRepo: VscRepository,
  ) {}

  /** The newest escrowed version of a VSC. */
  latestEscrowed(tx: Tx, vscId: string): Promise<number | undefined> {
    return this.vscRepo.latestEscrowed(vscId, tx);
  }

  async open(tx: Tx, ref: { vscId: string; version: number }, from: EscrowFrom = 'any'): Promise<OpenedEscrow> {
    const copy = await this.archive.readVsc(ref, from, tx);
    const vsc = await this.vscs.openCopy(copy, tx);
    return { vsc, vscId: copy.vscId, version: copy.version, sha256: copy.sha256, source: copy.source, volume: copy.volume };
  }

  /** A sealed version read back and loaded without opening it (public objects only); the caller closes it. */
  async loadPublic(tx: Tx, ref: { vscId: string; version: number }): Promise<VirtualSmartCard> {
    return this.vscs.loadPublic(await this.archive.readVsc(ref, 'escrow', tx), tx);
  }
}
