import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CARD_LIFECYCLE, type CardState, type CardStateRule } from '../card-lifecycle';
import { ShowCardLifecycleQuery } from './show-card-lifecycle.query';

@QueryHandler(ShowCardLifecycleQuery)
export class ShowCardLifecycleHandler implements IQueryHandler<ShowCardLifecycleQuery, Readonly<Record<CardState, CardStateRule>>> {
  async execute(_q: ShowCardLifecycleQuery): Promise<Readonly<Record<CardState, CardStateRule>>> {
    return CARD_LIFECYCLE;
  }
}
