import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { ArchiveError, ArchiveErrorCode, PgArchiveSource, type StoredVolume } from '@scm/archive';
import type { DataSource } from 'typeorm';
import { ListVolumesQuery, ShowVolumeQuery } from './list-volumes.query';

export interface VolumeEntryView {
  vscId: string;
  version: number;
  path: string;
  sha256: string;
  size: number;
  cardSerial: string | null;
}

@QueryHandler(ListVolumesQuery)
export class ListVolumesHandler implements IQueryHandler<ListVolumesQuery, { volumes: StoredVolume[] }> {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async execute(q: ListVolumesQuery): Promise<{ volumes: StoredVolume[] }> {
    return { volumes: await new PgArchiveSource(this.ds).volumes(q.limit) };
  }
}

@QueryHandler(ShowVolumeQuery)
export class ShowVolumeHandler implements IQueryHandler<ShowVolumeQuery, StoredVolume & { entryList: VolumeEntryView[] }> {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async execute(q: ShowVolumeQuery): Promise<StoredVolume & { entryList: VolumeEntryView[] }> {
    const v = await new PgArchiveSource(this.ds).volume(q.volume);
    if (!v) throw new ArchiveError(ArchiveErrorCode.NotFound, `no archive volume ${q.volume}`, { volume: q.volume });
    const rows = (await this.ds.query(
      'SELECT vsc_id, version, path, sha256, size, card_serial FROM archive_entry WHERE volume = $1 ORDER BY path',
      [q.volume],
    )) as Array<{ vsc_id: string; version: number; path: string; sha256: Buffer; size: number; card_serial: string | null }>;
    return {
      ...v,
      entryList: rows.map((r) => ({
        vscId: r.vsc_id,
        version: r.version,
        path: r.path,
        sha256: r.sha256.toString('hex'),
        size: r.size,
        cardSerial: r.card_serial,
      })),
    };
  }
}
