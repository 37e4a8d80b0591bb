import { Query } from '@nestjs/cqrs';
import type { CardProgress } from '../progress-views.repository';

/** Where the requests of a batch, or one request, stand: cards and steps included. */
export class ShowProgressQuery extends Query<CardProgress[]> {
  constructor(readonly filter: { batchId: string } | { requestId: string }) {
    super();
  }
}
