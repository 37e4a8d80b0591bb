import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { IssuanceError, IssuanceErrorCode } from '../issuance-errors';
import { REQUEST_REPOSITORY, type RequestRepository } from '../request.repository';
import { REQUEST_VIEWS_REPOSITORY, type RequestViewsRepository } from '../request-views.repository';
import { type BatchView, ShowBatchQuery } from './show-batch.query';

@QueryHandler(ShowBatchQuery)
export class ShowBatchHandler implements IQueryHandler<ShowBatchQuery, BatchView> {
  constructor(
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(REQUEST_VIEWS_REPOSITORY) private readonly views: RequestViewsRepository,
  ) {}

  async execute(q: ShowBatchQuery): Promise<BatchView> {
    const b = await this.requests.getBatch(q.batchId);
    if (!b) throw new IssuanceError(IssuanceErrorCode.NotFound, `no issuance batch ${q.batchId}`, { batchId: q.batchId });
    return {
      id: b.id,
      reference: b.reference,
      size: b.size,
      createdBy: b.createdBy,
      createdAt: b.createdAt.toISOString(),
      states: await this.views.stateCounts(b.id),
    };
  }
}
