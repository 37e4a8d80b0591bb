import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ArchiveError, ArchiveErrorCode } from '@scm/archive';
import { ARCHIVE_REPOSITORY, type ArchiveRepository } from '../archive.repository';
import { volumeEntryView, volumeView } from '../volume-view';
import { ShowVolumeQuery, type VolumeDetail } from './show-volume.query';

@QueryHandler(ShowVolumeQuery)
export class ShowVolumeHandler implements IQueryHandler<ShowVolumeQuery, VolumeDetail> {
  constructor(@Inject(ARCHIVE_REPOSITORY) private readonly archives: ArchiveRepository) {}

  async execute(q: ShowVolumeQuery): Promise<VolumeDetail> {
    const v = await this.archives.volume(q.volume);
    if (!v) throw new ArchiveError(ArchiveErrorCode.NotFound, `no archive volume ${q.volume}`, { volume: q.volume });
    return { ...volumeView(v), entryList: (await this.archives.entries(q.volume)).map(volumeEntryView) };
  }
}
