import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Clock } from '../../../platform/infra/clock.port';
import { CLOCK } from '../../../platform/infra/tokens';
import { type TemporaryCardView, TemporaryCardViews } from '../temporary-card-view';
import { ListTemporaryCardsQuery } from './list-temporary-cards.query';

const LIMIT = 200;

@QueryHandler(ListTemporaryCardsQuery)
export class ListTemporaryCardsHandler implements IQueryHandler<ListTemporaryCardsQuery, TemporaryCardView[]> {
  constructor(
    private readonly views: TemporaryCardViews,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(q: ListTemporaryCardsQuery): Promise<TemporaryCardView[]> {
    return this.views.list(q.filter, LIMIT, this.clock.now());
  }
}
