import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { type CardProgress, PROGRESS_VIEWS_REPOSITORY, type ProgressViewsRepository } from '../progress-views.repository';
import { ShowProgressQuery } from './show-progress.query';

@QueryHandler(ShowProgressQuery)
export class ShowProgressHandler implements IQueryHandler<ShowProgressQuery, CardProgress[]> {
  constructor(@Inject(PROGRESS_VIEWS_REPOSITORY) private readonly views: ProgressViewsRepository) {}

  async execute(q: ShowProgressQuery): Promise<CardProgress[]> {
    const cards = await this.views.snapshot(q.filter);
    if (!cards.length) {
      const f = q.filter;
      throw new PersonalisationError(
        PersonalisationErrorCode.NotFound,
        'batchId' in f ? `no batch ${f.batchId}` : `no request ${f.requestId}`,
      );
    }
    return cards;
  }
}
