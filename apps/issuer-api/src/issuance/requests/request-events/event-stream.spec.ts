import type { RequestEvent } from '../request.repository';
import { followRequests } from './event-stream';
import { InMemoryRequestEventsRepository } from './in-memory-request-events.repository';
import { SseClient } from './test-sse-client';

const ev = (requestId: string, state: RequestEvent['state'], batchId: string | null = 'b1'): RequestEvent => ({
  type: 'state',
  requestId,
  batchId,
  from: null,
  state,
  at: '2026-12-01T09:00:00.000Z',
});

describe('followRequests (server-sent events)', () => {
  it('sends the snapshot first, then the matching changes, including those that came while the snapshot was read', async () => {
    const feed = new InMemoryRequestEventsRepository();
    const client = new SseClient();
    await followRequests(feed, client.req, client.res, {
      match: (e) => e.batchId === 'b1',
      snapshot: async (send) => {
        feed.emit(ev('r1', 'keys-generated'));
        send('snapshot', { states: { requested: 1 } });
      },
      heartbeatMs: 60_000,
    });
    feed.emit(ev('r9', 'escrowed', 'b2'));
    feed.emit(ev('r1', 'escrowed'));
    expect(client.status).toBe(200);
    expect(client.headers['Content-Type']).toBe('text/event-stream');
    expect(client.events).toEqual([
      { event: 'snapshot', data: { states: { requested: 1 } } },
      { event: 'state', data: ev('r1', 'keys-generated') },
      { event: 'state', data: ev('r1', 'escrowed') },
    ]);
    client.close();
    expect(feed.followers).toBe(0);
  });

  it('tells the client to re-read the state and ends when changes may have been missed', async () => {
    const feed = new InMemoryRequestEventsRepository();
    const client = new SseClient();
    await followRequests(feed, client.req, client.res, { match: () => true, snapshot: async (send) => send('snapshot', {}) });
    feed.reset();
    expect(client.events.map((e) => e.event)).toEqual(['snapshot', 'reset']);
    expect(client.ended).toBe(true);
    expect(feed.followers).toBe(0);
  });

  it('lets an error before the first byte through (a problem answer) and stops listening', async () => {
    const feed = new InMemoryRequestEventsRepository();
    const client = new SseClient();
    await expect(
      followRequests(feed, client.req, client.res, {
        match: () => true,
        snapshot: async () => {
          throw new Error('no such request');
        },
      }),
    ).rejects.toThrow('no such request');
    expect(client.chunks).toEqual([]);
    expect(client.ended).toBe(false);
    expect(feed.followers).toBe(0);
  });
});
