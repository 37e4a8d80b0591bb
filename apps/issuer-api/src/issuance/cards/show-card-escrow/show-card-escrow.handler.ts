import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CARD_VIEWS_REPOSITORY, type CardViewsRepository } from '../card-views.repository';
import { type CardEscrowVersion, ShowCardEscrowQuery } from './show-card-escrow.query';

@QueryHandler(ShowCardEscrowQuery)
export class ShowCardEscrowHandler implements IQueryHandler<ShowCardEscrowQuery, CardEscrowVersion[]> {
  constructor(@Inject(CARD_VIEWS_REPOSITORY) private readonly views: CardViewsRepository) {}

  async execute(q: ShowCardEscrowQuery): Promise<CardEscrowVersion[]> {
    return (await this.views.versions(q.cardId)).map((v) => ({
      ...v,
      createdAt: v.createdAt.toISOString(),
      escrowedAt: v.escrowedAt?.toISOString() ?? null,
    }));
  }
}
