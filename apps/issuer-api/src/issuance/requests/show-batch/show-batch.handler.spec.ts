import { InMemoryCardholderRepository } from '../../cardholders/in-memory-cardholder.repository';
import { InMemoryRequestRepository } from '../in-memory-request.repository';
import { InMemoryRequestViewsRepository } from '../in-memory-request-views.repository';
import { IssuanceErrorCode } from '../issuance-errors';
import { ShowBatchHandler } from './show-batch.handler';
import { ShowBatchQuery } from './show-batch.query';

describe('ShowBatchHandler', () => {
  it('shows a batch with the number of its requests in each state', async () => {
    const requests = new InMemoryRequestRepository();
    const at = new Date('2026-12-01T09:00:00Z');
    await requests.insertBatch(
      { em: undefined as never, now: at },
      { id: 'b1', reference: 'hr-12', size: 3, createdBy: 'user:o', createdAt: at },
    );
    requests.seed({ id: 'r1', batchId: 'b1', state: 'awaiting-card' });
    requests.seed({ id: 'r2', batchId: 'b1', state: 'awaiting-card' });
    requests.seed({ id: 'r3', batchId: 'b1', state: 'failed' });
    requests.seed({ id: 'r4', batchId: 'b2', state: 'failed' });
    const h = new ShowBatchHandler(requests, new InMemoryRequestViewsRepository(requests, new InMemoryCardholderRepository()));
    expect(await h.execute(new ShowBatchQuery('b1'))).toEqual({
      id: 'b1',
      reference: 'hr-12',
      size: 3,
      createdBy: 'user:o',
      createdAt: at.toISOString(),
      states: { 'awaiting-card': 2, failed: 1 },
    });
    await expect(h.execute(new ShowBatchQuery('b9'))).rejects.toMatchObject({
      code: IssuanceErrorCode.NotFound,
      message: 'no issuance batch b9',
    });
  });
});
