import { Query } from '@nestjs/cqrs';
import type { TemporaryCardView } from '../temporary-card-view';

/** A temporary card: state, host, expiry, PIN tries left, its certificates. */
export class ShowTemporaryCardQuery extends Query<TemporaryCardView> {
  constructor(readonly id: string) {
    super();
  }
}
