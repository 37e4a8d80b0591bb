import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReissueError, ReissueErrorCode } from '../reissue-errors';
import { type ReissueView, toReissueView } from '../reissue-view';
import { REISSUE_VIEW_REPOSITORY, type ReissueViewRepository } from '../reissue-views.repository';
import { ShowReissueQuery } from './show-reissue.query';

@QueryHandler(ShowReissueQuery)
export class ShowReissueHandler implements IQueryHandler<ShowReissueQuery, ReissueView> {
  constructor(@Inject(REISSUE_VIEW_REPOSITORY) private readonly reissues: ReissueViewRepository) {}

  async execute(q: ShowReissueQuery): Promise<ReissueView> {
    const r = await this.reissues.get(q.id);
    if (!r) throw new ReissueError(ReissueErrorCode.NotFound, `no reissue ${q.id}`);
    return toReissueView(r);
  }
}
