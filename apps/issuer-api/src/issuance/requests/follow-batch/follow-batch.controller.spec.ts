import type { QueryBus } from '@nestjs/cqrs';
import { InMemoryRequestEventsRepository } from '../request-events/in-memory-request-events.repository';
import { SseClient } from '../request-events/test-sse-client';
import type { RequestEvent } from '../request.repository';
import { ShowBatchQuery } from '../show-batch/show-batch.query';
import { FollowBatchController } from './follow-batch.controller';

const BATCH = '00000000-0000-4000-8000-0000000000b1';
const change = (requestId: string, batchId: string, state: RequestEvent['state']): RequestEvent => ({
  type: 'state',
  requestId,
  batchId,
  from: 'escrowed',
  state,
  at: '2026-12-01T09:01:00.000Z',
});

describe('FollowBatchController', () => {
  it("sends the batch's counts, then every change of its requests, and stops when the client leaves", async () => {
    const asked: unknown[] = [];
    const queries = {
      execute: async (q: unknown) => {
        asked.push(q);
        return { id: BATCH, size: 2, states: { escrowed: 2 }, reference: null, createdBy: 'user:o', createdAt: '' };
      },
    } as unknown as QueryBus;
    const feed = new InMemoryRequestEventsRepository();
    const client = new SseClient();
    await new FollowBatchController(queries, feed).batch(BATCH, client.req, client.res);
    expect(asked).toEqual([new ShowBatchQuery(BATCH)]);
    feed.emit(change('r1', BATCH, 'awaiting-card'));
    feed.emit(change('r7', 'another-batch', 'awaiting-card'));
    feed.emit(change('r2', BATCH, 'failed'));
    expect(client.events).toEqual([
      { event: 'snapshot', data: { batchId: BATCH, size: 2, states: { escrowed: 2 } } },
      { event: 'state', data: change('r1', BATCH, 'awaiting-card') },
      { event: 'state', data: change('r2', BATCH, 'failed') },
    ]);
    expect(client.ended).toBe(false);
    client.close();
    expect(feed.followers).toBe(0);
  });
});
