import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../card.repository';
import { CardError, CardErrorCode } from '../card-errors';
import { type CardView, ShowCardQuery } from './show-card.query';

@QueryHandler(ShowCardQuery)
export class ShowCardHandler implements IQueryHandler<ShowCardQuery, CardView> {
  constructor(@Inject(CARD_REPOSITORY) private readonly cards: CardRepository) {}

  async execute(q: ShowCardQuery): Promise<CardView> {
    const c = await this.cards.get(q.cardId);
    if (!c) throw new CardError(CardErrorCode.NotFound, `no card ${q.cardId}`);
    const history = await this.cards.historyOf(c.id);
    return {
      id: c.id,
      serial: c.serial,
      state: c.state,
      cardholder_id: c.cardholderId,
      request_id: c.requestId,
      vsc_id: c.vscId,
      state_changed_at: c.stateChangedAt,
      created_at: c.createdAt,
      history: history.map((h) => ({ from_state: h.fromState, to_state: h.toState, at: h.at, actor: h.actor, details: h.details })),
    };
  }
}
