import { Query } from '@nestjs/cqrs';
import type { StoredVolume } from '@scm/archive';

/** Sealed volumes, newest first, with their image hashes and chain links. */
export class ListVolumesQuery extends Query<{ volumes: StoredVolume[] }> {
  constructor(readonly limit = 200) {
    super();
  }
}
