import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PgArchiveSource } from '@scm/archive';
import { ArchiveEntryEntity, ArchiveSignerEntity, ArchiveVolumeEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../platform/infra/unit-of-work';
import type { ArchiveEntry, ArchiveRepository, ArchiveVolume, ReconciliationSnapshot } from './archive.repository';

@Injectable()
export class PgArchiveRepository implements ArchiveRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  sealingStore(tx: TxScope): PgArchiveSource {
    return new PgArchiveSource(tx.em);
  }

  volumes(limit: number, tx?: TxScope): Promise<ArchiveVolume[]> {
    return (tx?.em ?? this.ds.manager).find(ArchiveVolumeEntity, { order: { volume: 'DESC' }, take: limit });
  }

  async volume(volume: number, tx?: TxScope): Promise<ArchiveVolume | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(ArchiveVolumeEntity, { volume })) ?? undefined;
  }

  entries(volume: number, tx?: TxScope): Promise<ArchiveEntry[]> {
    return (tx?.em ?? this.ds.manager).find(ArchiveEntryEntity, { where: { volume }, order: { path: 'ASC' } });
  }

  async locate(vscId: string, version: number, tx?: TxScope): Promise<{ entry: ArchiveEntry; volume: ArchiveVolume } | undefined> {
    const em = tx?.em ?? this.ds.manager;
    const entry = await em.findOneBy(ArchiveEntryEntity, { vscId, version });
    const volume = entry && (await em.findOneBy(ArchiveVolumeEntity, { volume: entry.volume }));
    return entry && volume ? { entry, volume } : undefined;
  }

  reconciliationSnapshot(): Promise<ReconciliationSnapshot> {
    return this.ds.transaction('REPEATABLE READ', async (em) => {
      const store = new PgArchiveSource(em);
      return { cards: await store.issuedCards(), copies: await store.archivedCopies() };
    });
  }

  async saveSignerCertificates(tx: TxScope, keyLabel: string, serial: string, certificates: Buffer[], notAfter: Date): Promise<void> {
    await tx.em.insert(ArchiveSignerEntity, { keyLabel, serial, certificates, notAfter, createdAt: tx.now });
  }
}
