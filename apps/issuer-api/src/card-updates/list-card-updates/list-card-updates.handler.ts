import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { CARD_UPDATE_REPOSITORY, type CardUpdateRepository } from '../card-update.repository';
import { CardUpdateError, CardUpdateErrorCode } from '../card-update-errors';
import { cardUpdateView, type CardUpdateView } from '../card-update-view';
import { ListCardUpdatesQuery } from './list-card-updates.query';

@QueryHandler(ListCardUpdatesQuery)
export class ListCardUpdatesHandler implements IQueryHandler<ListCardUpdatesQuery, CardUpdateView[]> {
  constructor(
    @Inject(CARD_UPDATE_REPOSITORY) private readonly updates: CardUpdateRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
  ) {}

  async execute(q: ListCardUpdatesQuery): Promise<CardUpdateView[]> {
    const card = await this.cards.bySerial(q.serial);
    if (!card) throw new CardUpdateError(CardUpdateErrorCode.NotFound, `no card ${q.serial}`);
    return (await this.updates.ofCard(card.id)).map(cardUpdateView);
  }
}
