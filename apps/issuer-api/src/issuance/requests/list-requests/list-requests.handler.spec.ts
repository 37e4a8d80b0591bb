import { InMemoryCardholderRepository } from '../../cardholders/in-memory-cardholder.repository';
import { InMemoryRequestRepository } from '../in-memory-request.repository';
import { InMemoryRequestViewsRepository } from '../in-memory-request-views.repository';
import { ListRequestsHandler } from './list-requests.handler';
import { ListRequestsQuery } from './list-requests.query';

describe('ListRequestsHandler', () => {
  const setup = () => {
    const requests = new InMemoryRequestRepository();
    const cardholders = new InMemoryCardholderRepository();
    cardholders.seed({ id: 'c1', name: 'Alice' });
    cardholders.seed({ id: 'c2', name: 'Bob' });
    const t = (m: number) => new Date(Date.UTC(2026, 11, 1, 9, m));
    requests.seed({ id: 'r1', cardholderId: 'c1', batchId: 'b1', state: 'awaiting-card', createdAt: t(1), stateChangedAt: t(5) });
    requests.seed({
      id: 'r2',
      cardholderId: 'c2',
      batchId: 'b1',
      state: 'failed',
      failure: 'no HSM',
      createdAt: t(2),
      stateChangedAt: t(6),
    });
    requests.seed({ id: 'r3', cardholderId: 'c1', batchId: null, state: 'cancelled', createdAt: t(3) });
    return new ListRequestsHandler(new InMemoryRequestViewsRepository(requests, cardholders));
  };

  it('lists requests newest first, with their cardholder names', async () => {
    const list = await setup().execute(new ListRequestsQuery({}));
    expect(list.map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
    expect(list[1]).toEqual({
      id: 'r2',
      batchId: 'b1',
      cardholderId: 'c2',
      cardholderName: 'Bob',
      profileId: 'default',
      state: 'failed',
      stateChangedAt: '2026-12-01T09:06:00.000Z',
      failure: 'no HSM',
    });
  });

  it('filters by batch, state and cardholder, and caps the number', async () => {
    const h = setup();
    const ids = async (f: ConstructorParameters<typeof ListRequestsQuery>[0]) =>
      (await h.execute(new ListRequestsQuery(f))).map((r) => r.id);
    expect(await ids({ batchId: 'b1' })).toEqual(['r2', 'r1']);
    expect(await ids({ state: 'awaiting-card' })).toEqual(['r1']);
    expect(await ids({ cardholderId: 'c1' })).toEqual(['r3', 'r1']);
    expect(await ids({ limit: 1 })).toEqual(['r3']);
    expect(await ids({ limit: 1, offset: 1 })).toEqual(['r2']);
    expect(await ids({ limit: 5, offset: 2 })).toEqual(['r1']);
  });
});
