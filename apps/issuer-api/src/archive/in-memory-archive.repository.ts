import type { ArchivedCopy, IssuedCard, PgArchiveSource } from '@scm/archive';
import type { ArchiveSignerEntity } from '@scm/db';
import type { TxScope } from '../platform/infra/unit-of-work';
import type { ArchiveEntry, ArchiveRepository, ArchiveVolume, ReconciliationSnapshot } from './archive.repository';

/** Volumes, entries and signer certificates in memory, for handler specs. */
export class InMemoryArchiveRepository implements ArchiveRepository {
  readonly volumeRows: ArchiveVolume[] = [];
  readonly entryRows: ArchiveEntry[] = [];
  readonly signers: ArchiveSignerEntity[] = [];
  readonly cards: IssuedCard[] = [];

  /** A sealed volume with `entries` (their volume set to its number). */
  addVolume(v: Partial<ArchiveVolume> & Pick<ArchiveVolume, 'volume'>, entries: Array<Omit<ArchiveEntry, 'volume'>> = []): ArchiveVolume {
    const n = v.volume;
    const row: ArchiveVolume = {
      volumeId: `SCM_ARCHIVE_${String(n).padStart(6, '0')}`,
      imageName: `scm-archive-${String(n).padStart(6, '0')}.iso`,
      sidecarName: `scm-archive-${String(n).padStart(6, '0')}.iso.sidecar.json`,
      directory: '/srv/archive',
      imageSha256: Buffer.alloc(32, n),
      imageSize: '4096',
      manifestSha256: Buffer.alloc(32, 0xee),
      previousVolume: n > 1 ? n - 1 : null,
      previousSha256: n > 1 ? Buffer.alloc(32, n - 1) : null,
      auditSeq: String(10 * n),
      auditHeadHash: Buffer.alloc(32, 0xaa),
      signerKey: 'scm-archive/1',
      signerCertSha256: Buffer.alloc(32, 0x5c),
      entries: entries.length,
      createdAt: new Date(Date.UTC(2026, 10, n)),
      ...v,
    };
    this.volumeRows.push(row);
    for (const e of entries) this.entryRows.push({ ...e, volume: n });
    return row;
  }

  sealingStore(): PgArchiveSource {
    throw new Error('sealing runs on libs/archive’s PostgreSQL store; a handler spec stubs sealArchive instead');
  }

  async volumes(limit: number): Promise<ArchiveVolume[]> {
    return [...this.volumeRows].sort((a, b) => b.volume - a.volume).slice(0, limit);
  }

  async volume(volume: number): Promise<ArchiveVolume | undefined> {
    return this.volumeRows.find((v) => v.volume === volume);
  }

  async entries(volume: number): Promise<ArchiveEntry[]> {
    return this.entryRows.filter((e) => e.volume === volume).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async locate(vscId: string, version: number): Promise<{ entry: ArchiveEntry; volume: ArchiveVolume } | undefined> {
    const entry = this.entryRows.find((e) => e.vscId === vscId && e.version === version);
    const volume = entry && this.volumeRows.find((v) => v.volume === entry.volume);
    return entry && volume ? { entry, volume } : undefined;
  }

  async reconciliationSnapshot(): Promise<ReconciliationSnapshot> {
    const copies: ArchivedCopy[] = this.entryRows.map((e) => ({
      volume: e.volume,
      vscId: e.vscId,
      version: e.version,
      sha256: e.sha256.toString('hex'),
      cardSerial: e.cardSerial,
    }));
    return { cards: this.cards.map((c) => ({ ...c })), copies };
  }

  async saveSignerCertificates(tx: TxScope, keyLabel: string, serial: string, certificates: Buffer[], notAfter: Date): Promise<void> {
    this.signers.push({ keyLabel, serial, certificates, notAfter, createdAt: tx.now });
  }
}
