import { TestClock } from '../testing/test-unit-of-work';
import { InMemoryOutboxRepository } from './in-memory-outbox.repository';

/** The in-memory outbox keeps the PostgreSQL outbox's rules, so specs built on it mean what they say. */
describe('InMemoryOutboxRepository', () => {
  const clock = new TestClock();
  const tx = { em: undefined as never, now: clock.now() };
  const job = (cause: string, caId = 'scm-issuing') => ({
    queue: 'maintenance',
    name: 'publish-crl',
    id: `publish-crl|caId=${caId}&cause=${cause}`,
    payload: { caId, cause },
  });

  it('relays unrelayed rows oldest first, at most `limit`, and not twice', async () => {
    const repo = new InMemoryOutboxRepository(() => clock.now());
    await repo.insert(tx, [job('a'), job('b'), job('c')]);
    const sent: string[][] = [];
    expect(await repo.relay(2, async (rows) => void sent.push(rows.map((r) => r.jobId)))).toBe(2);
    expect(await repo.relay(2, async (rows) => void sent.push(rows.map((r) => r.jobId)))).toBe(1);
    expect(await repo.relay(2, async () => undefined)).toBe(0);
    expect(sent).toEqual([[job('a').id, job('b').id], [job('c').id]]);
    expect(repo.rows.map((r) => r.attempts)).toEqual([1, 1, 1]);
  });

  it('leaves rows unrelayed when sending fails', async () => {
    const repo = new InMemoryOutboxRepository(() => clock.now());
    await repo.insert(tx, [job('a')]);
    await expect(repo.relay(10, async () => Promise.reject(new Error('redis down')))).rejects.toThrow('redis down');
    expect(repo.rows[0].relayedAt).toBeNull();
  });

  it('finishes the pending jobs of one name and payload, and counts what is left', async () => {
    const repo = new InMemoryOutboxRepository(() => clock.now());
    await repo.insert(tx, [job('a'), job('b'), job('c', 'scm-root')]);
    await repo.markDone(job('b').id);
    const done = await repo.finishPending(tx, 'publish-crl', { caId: 'scm-issuing' });
    expect(done.map((r) => r.payload.cause)).toEqual(['a']);
    expect(await repo.pendingCount()).toBe(1);
  });

  it('answers relayed pending rows after an id, only old enough ones when asked', async () => {
    const repo = new InMemoryOutboxRepository(() => clock.now());
    await repo.insert(tx, [job('a'), job('b')]);
    await repo.relay(1, async () => undefined);
    clock.advance(61_000);
    await repo.relay(1, async () => undefined);
    expect((await repo.relayedPending('0', 10)).map((r) => r.payload.cause)).toEqual(['a', 'b']);
    expect((await repo.relayedPending('0', 10, 60)).map((r) => r.payload.cause)).toEqual(['a']);
    expect((await repo.relayedPending('1', 10)).map((r) => r.payload.cause)).toEqual(['b']);
  });

  it('finishes named jobs in a transaction, keeping an earlier done time', async () => {
    const repo = new InMemoryOutboxRepository(() => clock.now());
    await repo.insert(tx, [job('a'), job('b'), job('c')]);
    const earlier = new Date('2026-01-01T00:00:00Z');
    repo.rows[0].doneAt = earlier;
    await repo.finishJobs(tx, [job('a').id, job('b').id]);
    expect(repo.rows.map((r) => r.doneAt)).toEqual([earlier, tx.now, null]);
  });

  it('reopens a job: pending again, and relayed again when asked', async () => {
    const repo = new InMemoryOutboxRepository(() => clock.now());
    await repo.insert(tx, [job('a'), job('b')]);
    await repo.relay(10, async () => undefined);
    await repo.finishJobs(tx, [job('a').id, job('b').id]);
    await repo.reopen(job('a').id, { relayAgain: true });
    await repo.reopen(job('b').id, { relayAgain: false });
    expect(repo.rows.map((r) => [r.doneAt, r.relayedAt === null])).toEqual([
      [null, true],
      [null, false],
    ]);
  });
});
