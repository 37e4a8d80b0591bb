import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type ReissueView, toReissueView } from '../reissue-view';
import { REISSUE_VIEW_REPOSITORY, type ReissueViewRepository } from '../reissue-views.repository';
import { ListReissuesQuery } from './list-reissues.query';

const LIMIT = 200;

@QueryHandler(ListReissuesQuery)
export class ListReissuesHandler implements IQueryHandler<ListReissuesQuery, ReissueView[]> {
  constructor(@Inject(REISSUE_VIEW_REPOSITORY) private readonly reissues: ReissueViewRepository) {}

  async execute(q: ListReissuesQuery): Promise<ReissueView[]> {
    return (await this.reissues.list(q.filter, LIMIT)).map(toReissueView);
  }
}
