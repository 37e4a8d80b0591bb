import { Query } from '@nestjs/cqrs';
import type { ReissueView } from '../reissue-view';

/** A reissue: the old card, the new request and card. */
export class ShowReissueQuery extends Query<ReissueView> {
  constructor(readonly id: string) {
    super();
  }
}
