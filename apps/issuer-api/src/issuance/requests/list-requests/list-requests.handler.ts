import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { REQUEST_VIEWS_REPOSITORY, type RequestViewsRepository } from '../request-views.repository';
import { ListRequestsQuery, type RequestSummary } from './list-requests.query';

@QueryHandler(ListRequestsQuery)
export class ListRequestsHandler implements IQueryHandler<ListRequestsQuery, RequestSummary[]> {
  constructor(@Inject(REQUEST_VIEWS_REPOSITORY) private readonly views: RequestViewsRepository) {}

  async execute(q: ListRequestsQuery): Promise<RequestSummary[]> {
    const rows = await this.views.list({ ...q.filter, limit: Math.min(q.filter.limit ?? 1000, 20000) });
    return rows.map((r) => ({
      id: r.id,
      batchId: r.batchId,
      cardholderId: r.cardholderId,
      cardholderName: r.cardholderName,
      profileId: r.profileId,
      state: r.state,
      stateChangedAt: r.stateChangedAt.toISOString(),
      failure: r.failure,
    }));
  }
}
