import { InMemoryAuditRepository } from '../in-memory-audit.repository';
import { ListAuditEventsHandler } from './list-audit-events.handler';
import { ListAuditEventsQuery } from './list-audit-events.query';

describe('ListAuditEventsHandler', () => {
  const setup = () => {
    const repo = new InMemoryAuditRepository();
    repo.append(
      [
        { actor: 'user:u1', actorName: 'olga', action: 'auth.login', outcome: 'success' },
        { actor: 'user:u2', actorName: 'hd', action: 'approval.approve', outcome: 'denied', details: { reason: 'approval.self-approval' } },
      ],
      new Date('2026-12-01T09:00:00Z'),
    );
    repo.append(
      [{ actor: 'worker:w1', actorName: 'ws0', action: 'approval.executed', outcome: 'success' }],
      new Date('2026-12-01T10:00:00Z'),
    );
    const sequencer = { settle: jest.fn(async () => 0) };
    return { repo, sequencer, handler: new ListAuditEventsHandler(repo, sequencer) };
  };
  const seqs = async (h: ListAuditEventsHandler, f: Partial<ListAuditEventsQuery['filter']>) =>
    (await h.execute(new ListAuditEventsQuery({ afterSeq: 0, limit: 200, ...f }))).events.map((e) => e.seq);

  it('pages the chain in order after a position, at most a limit at a time', async () => {
    const { handler, sequencer } = setup();
    expect(await seqs(handler, {})).toEqual([1, 2, 3]);
    // Every event committed before the request is chained before the list is read.
    expect(sequencer.settle).toHaveBeenCalledTimes(1);
    expect(await seqs(handler, { afterSeq: 1, limit: 1 })).toEqual([2]);
  });

  it('filters by time, by actor id or name, and by action prefix (wildcards taken literally away)', async () => {
    const { handler } = setup();
    expect(await seqs(handler, { from: '2026-12-01T09:30:00Z' })).toEqual([3]);
    expect(await seqs(handler, { to: '2026-12-01T09:30:00Z' })).toEqual([1, 2]);
    expect(await seqs(handler, { actor: 'user:u1' })).toEqual([1]);
    expect(await seqs(handler, { actor: 'ws0' })).toEqual([3]);
    expect(await seqs(handler, { action: 'approval.' })).toEqual([2, 3]);
    expect(await seqs(handler, { action: '%login' })).toEqual([]);
  });

  it('returns whole records, with their hashes', async () => {
    const { repo, handler } = setup();
    const { events } = await handler.execute(new ListAuditEventsQuery({ afterSeq: 1, limit: 1 }));
    expect(events).toEqual([repo.records[1]]);
    expect(events[0]).toMatchObject({ outcome: 'denied', details: { reason: 'approval.self-approval' }, prevHash: repo.records[0].hash });
  });
});
