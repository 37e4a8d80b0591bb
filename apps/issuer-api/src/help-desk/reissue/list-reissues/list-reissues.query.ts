import { Query } from '@nestjs/cqrs';
import type { ReissueView } from '../reissue-view';
import type { ReissueFilter } from '../reissue-views.repository';

/** Reissues, newest first (at most 200), of one old card (id or serial) and in one state when given. */
export class ListReissuesQuery extends Query<ReissueView[]> {
  constructor(readonly filter: ReissueFilter) {
    super();
  }
}
