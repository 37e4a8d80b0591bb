import type { ArchivedCopy, IssuedCard, PgArchiveSource } from '@scm/archive';
import type { ArchiveEntryEntity, ArchiveVolumeEntity } from '@scm/db';
import type { TxScope } from '../platform/infra/unit-of-work';

/** A sealed volume as stored. */
export type ArchiveVolume = ArchiveVolumeEntity;

/** A VSC version archived in a volume, as stored. */
export type ArchiveEntry = ArchiveEntryEntity;

/** What reconciliation compares, read in one snapshot: issued cards with their escrowed versions, and archived copies. */
export interface ReconciliationSnapshot {
  cards: IssuedCard[];
  copies: ArchivedCopy[];
}

/**
 * The archive's tables (volumes, their entries, the archive key's certificates) as the API reads
 * and writes them. Sealing itself runs on libs/archive's store, bound to the unit of work.
 */
export interface ArchiveRepository {
  /** libs/archive's store on the unit of work's transaction: what `sealArchive` locks, reads and records in. */
  sealingStore(tx: TxScope): PgArchiveSource;
  /** Sealed volumes, newest first, at most `limit`. */
  volumes(limit: number, tx?: TxScope): Promise<ArchiveVolume[]>;
  volume(volume: number, tx?: TxScope): Promise<ArchiveVolume | undefined>;
  /** The VSC versions a volume holds, by path. */
  entries(volume: number, tx?: TxScope): Promise<ArchiveEntry[]>;
  /** The entry of a VSC version and the volume holding it, if it was archived. */
  locate(vscId: string, version: number, tx?: TxScope): Promise<{ entry: ArchiveEntry; volume: ArchiveVolume } | undefined>;
  /** Cards and archived copies as of one moment, so a volume sealed meanwhile is seen whole or not at all. */
  reconciliationSnapshot(): Promise<ReconciliationSnapshot>;
  /** Keeps a certificate chain (signer first) of an archive key version. */
  saveSignerCertificates(tx: TxScope, keyLabel: string, serial: string, certificates: Buffer[], notAfter: Date): Promise<void>;
}

export const ARCHIVE_REPOSITORY = Symbol('ArchiveRepository');
