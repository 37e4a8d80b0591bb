import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type CardholderView, toCardholderView } from '../cardholder';
import { CARDHOLDER_REPOSITORY, type CardholderRepository } from '../cardholder.repository';
import { ListCardholdersQuery } from './list-cardholders.query';

@QueryHandler(ListCardholdersQuery)
export class ListCardholdersHandler implements IQueryHandler<ListCardholdersQuery, CardholderView[]> {
  constructor(@Inject(CARDHOLDER_REPOSITORY) private readonly cardholders: CardholderRepository) {}

  async execute(q: ListCardholdersQuery): Promise<CardholderView[]> {
    const rows = await this.cardholders.search({
      search: q.filter.search,
      limit: Math.min(q.filter.limit ?? 100, 1000),
      offset: q.filter.offset ?? 0,
    });
    return rows.map(toCardholderView);
  }
}
