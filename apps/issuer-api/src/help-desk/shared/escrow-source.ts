import { Inject, Injectable } from '@nestjs/common';
import type { VirtualSmartCard } from '@scm/vsc';
import type { EntityManager } from 'typeorm';
import { ArchiveRecoveryService, type VscCopySource } from '../../archive/archive-recovery.service';
import type { Tx } from '../../platform/infra/unit-of-work';
import type { CardProfileDefinition } from '../../issuance/profiles/card-profile';
import { VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import { VSC_REPOSITORY, type VscRepository } from '../../issuance/vsc-escrow/vsc.repository';

/** Where the help desk reads a card's escrow from: the online escrow, an archive volume, or either (escrow first). */
export type EscrowFrom = VscCopySource | 'any';
export const ESCROW_FROM: readonly EscrowFrom[] = ['any', 'escrow', 'archive'];

/** A card as the help desk's flows see it. */
export interface HelpdeskCard {
  id: string;
  serial: string | null;
  state: string;
  cardholder_id: string;
  request_id: string | null;
  vsc_id: string | null;
  vsc_version: number | null;
  profile_id: string | null;
  profile: CardProfileDefinition | null;
  holder_name: string;
  upn: string | null;
  email: string | null;
}

const CARD_SQL = `SELECT k.id, k.serial, k.state, k.cardholder_id, k.request_id, k.vsc_id, v.current_version AS vsc_version,
       r.profile_id, r.profile, h.name AS holder_name, h.upn, h.email
  FROM card k JOIN cardholder h ON h.id = k.cardholder_id
  LEFT JOIN issuance_request r ON r.id = k.request_id LEFT JOIN vsc v ON v.id = k.vsc_id`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A card named by its id or its serial (the help desk reads serials off the card or the cardholder's record). */
export async function findCard(em: Pick<EntityManager, 'query'>, ref: string, lock = false): Promise<HelpdeskCard | undefined> {
  const byId = UUID.test(ref);
  const rows = (await em.query(`${CARD_SQL} WHERE ${byId ? 'k.id = $1::uuid' : 'k.serial = $1'}${lock ? ' FOR UPDATE OF k' : ''}`, [
    ref,
  ])) as HelpdeskCard[];
  return rows[0];
}

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
 * opens it through the recovery path (the HSM's recovery key). Only escrowed versions are used.
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
}
