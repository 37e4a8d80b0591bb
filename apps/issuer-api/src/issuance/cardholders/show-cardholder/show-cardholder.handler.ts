import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type CardholderView, toCardholderView } from '../cardholder';
import { CardholderError, CardholderErrorCode } from '../cardholder-errors';
import { CARDHOLDER_REPOSITORY, type CardholderRepository } from '../cardholder.repository';
import { ShowCardholderQuery } from './show-cardholder.query';

@QueryHandler(ShowCardholderQuery)
export class ShowCardholderHandler implements IQueryHandler<ShowCardholderQuery, CardholderView> {
  constructor(@Inject(CARDHOLDER_REPOSITORY) private readonly cardholders: CardholderRepository) {}

  async execute(q: ShowCardholderQuery): Promise<CardholderView> {
    const c = await this.cardholders.get(q.cardholderId);
    if (!c) throw new CardholderError(CardholderErrorCode.NotFound, `no cardholder ${q.cardholderId}`);
    return toCardholderView(c);
  }
}
