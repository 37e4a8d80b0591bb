import { HelpdeskWorld } from '../../testing/help-desk-world';
import { QueueTemporaryCardExpiriesHandler } from './queue-temporary-card-expiries.handler';

describe('QueueTemporaryCardExpiriesHandler', () => {
  it('queues one expiry job per open card past its time, through the outbox, as the system', async () => {
    const w = new HelpdeskWorld();
    const past = new Date('2026-12-01T08:00:00Z');
    const due = [
      w.temporary.seed({ id: '00000000-0000-4000-8000-0000000000e1', state: 'active', expiresAt: past }),
      w.temporary.seed({ id: '00000000-0000-4000-8000-0000000000e2', state: 'issued', expiresAt: w.now }),
    ];
    w.temporary.seed({ id: '00000000-0000-4000-8000-0000000000e3', state: 'active', expiresAt: new Date('2026-12-02T00:00:00Z') });
    w.temporary.seed({ id: '00000000-0000-4000-8000-0000000000e4', state: 'revoked', expiresAt: past });
    w.temporary.seed({ id: '00000000-0000-4000-8000-0000000000e5', state: 'expired', expiresAt: past });
    const handler = new QueueTemporaryCardExpiriesHandler(w.uow, w.temporary);
    expect(await handler.execute()).toBe(2);
    expect(w.uow.jobs.map((j) => [j.name, j.payload])).toEqual(due.map((t) => ['expire-temporary-card', { temporaryCardId: t.id }]));
    // Deterministic job ids: the next sweep queues the same ids, which the outbox keeps once.
    await handler.execute();
    expect(new Set(w.uow.jobs.map((j) => j.id)).size).toBe(2);
    expect(w.uow.events).toEqual([]);
  });
});
