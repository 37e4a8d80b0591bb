import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { StoredVolume } from '@scm/archive';
import { ARCHIVE_REPOSITORY, type ArchiveRepository } from '../archive.repository';
import { volumeView } from '../volume-view';
import { ListVolumesQuery } from './list-volumes.query';

@QueryHandler(ListVolumesQuery)
export class ListVolumesHandler implements IQueryHandler<ListVolumesQuery, { volumes: StoredVolume[] }> {
  constructor(@Inject(ARCHIVE_REPOSITORY) private readonly archives: ArchiveRepository) {}

  async execute(q: ListVolumesQuery): Promise<{ volumes: StoredVolume[] }> {
    return { volumes: (await this.archives.volumes(q.limit)).map(volumeView) };
  }
}
