import { Query } from '@nestjs/cqrs';
import type { StoredVolume } from '@scm/archive';
import type { VolumeEntryView } from '../volume-view';

export type VolumeDetail = StoredVolume & { entryList: VolumeEntryView[] };

/** One sealed volume and the VSC versions it holds. */
export class ShowVolumeQuery extends Query<VolumeDetail> {
  constructor(readonly volume: number) {
    super();
  }
}
