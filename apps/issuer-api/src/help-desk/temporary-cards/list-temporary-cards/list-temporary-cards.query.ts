import { Query } from '@nestjs/cqrs';
import type { TemporaryCardFilter } from '../temporary-card-views.repository';
import type { TemporaryCardView } from '../temporary-card-view';

/** Temporary cards, newest first (at most 200), by cardholder, reported card or state. */
export class ListTemporaryCardsQuery extends Query<TemporaryCardView[]> {
  constructor(readonly filter: TemporaryCardFilter) {
    super();
  }
}
