import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Clock } from '../../../platform/infra/clock.port';
import { CLOCK } from '../../../platform/infra/tokens';
import { notFound } from '../temporary-card-rules';
import { type TemporaryCardView, TemporaryCardViews } from '../temporary-card-view';
import { ShowTemporaryCardQuery } from './show-temporary-card.query';

@QueryHandler(ShowTemporaryCardQuery)
export class ShowTemporaryCardHandler implements IQueryHandler<ShowTemporaryCardQuery, TemporaryCardView> {
  constructor(
    private readonly views: TemporaryCardViews,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(q: ShowTemporaryCardQuery): Promise<TemporaryCardView> {
    const view = await this.views.get(q.id, this.clock.now());
    if (!view) throw notFound(q.id);
    return view;
  }
}
