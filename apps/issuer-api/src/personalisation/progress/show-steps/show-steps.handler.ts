import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PROGRESS_VIEWS_REPOSITORY, type ProgressViewsRepository, type StepLogEntry } from '../progress-views.repository';
import { ShowStepsQuery } from './show-steps.query';

@QueryHandler(ShowStepsQuery)
export class ShowStepsHandler implements IQueryHandler<ShowStepsQuery, StepLogEntry[]> {
  constructor(@Inject(PROGRESS_VIEWS_REPOSITORY) private readonly views: ProgressViewsRepository) {}

  execute(q: ShowStepsQuery): Promise<StepLogEntry[]> {
    return this.views.steps(q.requestId);
  }
}
