import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CARD_VIEWS_REPOSITORY, type CardViewsRepository } from '../card-views.repository';
import { type CardSummary, ListCardsQuery } from './list-cards.query';

@QueryHandler(ListCardsQuery)
export class ListCardsHandler implements IQueryHandler<ListCardsQuery, CardSummary[]> {
  constructor(@Inject(CARD_VIEWS_REPOSITORY) private readonly views: CardViewsRepository) {}

  async execute(q: ListCardsQuery): Promise<CardSummary[]> {
    const rows = await this.views.list({ ...q.filter, limit: Math.min(q.filter.limit, 500) });
    return rows.map((r) => ({ ...r, stateChangedAt: r.stateChangedAt.toISOString() }));
  }
}
