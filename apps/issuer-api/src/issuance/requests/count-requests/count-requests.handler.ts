import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { REQUEST_VIEWS_REPOSITORY, type RequestViewsRepository } from '../request-views.repository';
import { REQUEST_STATES } from '../request-state';
import { CountRequestsQuery, type RequestCounts } from './count-requests.query';

@QueryHandler(CountRequestsQuery)
export class CountRequestsHandler implements IQueryHandler<CountRequestsQuery, RequestCounts> {
  constructor(@Inject(REQUEST_VIEWS_REPOSITORY) private readonly views: RequestViewsRepository) {}

  async execute(): Promise<RequestCounts> {
    const counts = await this.views.stateCounts(undefined);
    return Object.fromEntries(REQUEST_STATES.map((s) => [s, counts[s] ?? 0])) as RequestCounts;
  }
}
