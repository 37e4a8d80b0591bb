import { InMemoryCardholderRepository } from '../../cardholders/in-memory-cardholder.repository';
import { InMemoryRequestRepository } from '../in-memory-request.repository';
import { InMemoryRequestViewsRepository } from '../in-memory-request-views.repository';
import { CountRequestsHandler } from './count-requests.handler';

describe('CountRequestsHandler', () => {
  it('counts the requests of every batch by state, naming the states with none', async () => {
    const requests = new InMemoryRequestRepository();
    const cardholders = new InMemoryCardholderRepository();
    cardholders.seed({ id: 'c1', name: 'Alice' });
    requests.seed({ id: 'r1', cardholderId: 'c1', batchId: 'b1', state: 'issued' });
    requests.seed({ id: 'r2', cardholderId: 'c1', batchId: 'b2', state: 'issued' });
    requests.seed({ id: 'r3', cardholderId: 'c1', batchId: null, state: 'failed' });
    const counts = await new CountRequestsHandler(new InMemoryRequestViewsRepository(requests, cardholders)).execute();
    expect(counts.issued).toBe(2);
    expect(counts.failed).toBe(1);
    expect(counts['awaiting-card']).toBe(0);
  });
});
