import type { QueryBus } from '@nestjs/cqrs';
import { InMemoryRequestEventsRepository } from '../request-events/in-memory-request-events.repository';
import { SseClient } from '../request-events/test-sse-client';
import type { RequestEvent } from '../request.repository';
import { ShowRequestQuery } from '../show-request/show-request.query';
import { FollowRequestController } from './follow-request.controller';

const ID = '00000000-0000-4000-8000-000000000001';
const change = (requestId: string, from: RequestEvent['from'], state: RequestEvent['state']): RequestEvent => ({
  type: 'state',
  requestId,
  batchId: null,
  from,
  state,
  at: '2026-12-01T09:01:00.000Z',
});

function setup(state: string) {
  const asked: unknown[] = [];
  const queries = {
    execute: async (q: unknown) => {
      asked.push(q);
      return { id: ID, batchId: null, state, stateChangedAt: '2026-12-01T09:00:00.000Z', failure: null };
    },
  } as unknown as QueryBus;
  const feed = new InMemoryRequestEventsRepository();
  return { asked, feed, controller: new FollowRequestController(queries, feed), client: new SseClient() };
}

describe('FollowRequestController', () => {
  it("sends the request's state, then its changes until it ends", async () => {
    const { asked, feed, controller, client } = setup('escrowed');
    await controller.request(ID, client.req, client.res);
    expect(asked).toEqual([new ShowRequestQuery(ID)]);
    feed.emit(change('other', 'escrowed', 'awaiting-card'));
    feed.emit(change(ID, 'escrowed', 'awaiting-card'));
    expect(client.ended).toBe(false);
    feed.emit(change(ID, 'awaiting-card', 'cancelled'));
    expect(client.events).toEqual([
      { event: 'snapshot', data: { requestId: ID, batchId: null, state: 'escrowed', at: '2026-12-01T09:00:00.000Z', failure: null } },
      { event: 'state', data: change(ID, 'escrowed', 'awaiting-card') },
      { event: 'state', data: change(ID, 'awaiting-card', 'cancelled') },
    ]);
    expect(client.ended).toBe(true);
    expect(feed.followers).toBe(0);
  });

  it('ends after the snapshot when the request has ended already', async () => {
    const { feed, controller, client } = setup('issued');
    await controller.request(ID, client.req, client.res);
    expect(client.events.map((e) => e.event)).toEqual(['snapshot']);
    expect(client.ended).toBe(true);
    expect(feed.followers).toBe(0);
  });
});
