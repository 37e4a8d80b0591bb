import type { DataSource, EntityManager } from 'typeorm';
import { ApiError, ApiErrorCode } from '../http/api-errors';
import { InMemoryOutboxRepository } from '../outbox/in-memory-outbox.repository';
import { TestClock, testActor } from '../testing/test-unit-of-work';
import { OutboxSignal, UnitOfWork } from './unit-of-work';

/** A data source whose transaction runs on an entity manager that must not be used (no audit events in these runs). */
const noDatabase = { transaction: async <T>(fn: (em: EntityManager) => Promise<T>) => fn({} as EntityManager) } as unknown as DataSource;

describe('UnitOfWork and the outbox', () => {
  const setup = () => {
    const clock = new TestClock();
    const outbox = new InMemoryOutboxRepository(() => clock.now());
    const signal = new OutboxSignal();
    const kicks = jest.fn();
    signal.onKick(kicks);
    return { clock, outbox, kicks, uow: new UnitOfWork(noDatabase, clock, signal, outbox, { kick: () => undefined }) };
  };

  it('writes the queued jobs in the transaction, with its time, and wakes the relay after the commit', async () => {
    const { clock, outbox, kicks, uow } = setup();
    const id = await uow.run(testActor(), async (tx) => tx.enqueue('publish-crl', { caId: 'scm-issuing', cause: 'c1' }));
    expect(id).toBe('publish-crl|caId=scm-issuing&cause=c1');
    expect(outbox.rows).toEqual([
      expect.objectContaining({ queue: 'maintenance', jobName: 'publish-crl', jobId: id, payload: { caId: 'scm-issuing', cause: 'c1' } }),
    ]);
    expect(outbox.rows[0].createdAt).toEqual(clock.now());
    expect(kicks).toHaveBeenCalledTimes(1);
  });

  it('keeps one row per job id', async () => {
    const { outbox, uow } = setup();
    for (let i = 0; i < 2; i++)
      await uow.run(testActor(), async (tx) => void tx.enqueue('publish-crl', { caId: 'scm-issuing', cause: 'same' }));
    expect(outbox.rows).toHaveLength(1);
  });

  it('does not wake the relay when nothing was queued', async () => {
    const { outbox, kicks, uow } = setup();
    await uow.run(testActor(), async () => 'nothing');
    expect(outbox.rows).toEqual([]);
    expect(kicks).not.toHaveBeenCalled();
  });

  it('commits the jobs of a refusal, then throws its error', async () => {
    const { outbox, uow } = setup();
    const refusal = new ApiError(ApiErrorCode.Conflict, 'no');
    await expect(
      uow.run(testActor(), async (tx) => {
        tx.enqueue('publish-crl', { caId: 'scm-issuing', cause: 'refused' });
        return tx.refuse(refusal);
      }),
    ).rejects.toBe(refusal);
    expect(outbox.rows.map((r) => r.jobId)).toEqual(['publish-crl|caId=scm-issuing&cause=refused']);
  });

  it('inserts the audit events in the transaction and wakes the sequencer only after a commit that recorded some', async () => {
    const sql: string[] = [];
    const em = { query: async (q: string) => void sql.push(q) } as unknown as EntityManager;
    const db = { transaction: async <T>(fn: (e: EntityManager) => Promise<T>) => fn(em) } as unknown as DataSource;
    const clock = new TestClock();
    const kick = jest.fn();
    const uow = new UnitOfWork(db, clock, new OutboxSignal(), new InMemoryOutboxRepository(() => clock.now()), { kick });
    await uow.run(testActor(), async (tx) => tx.audit({ action: 'spec.done', outcome: 'success' }));
    expect(sql.filter((q) => q.startsWith('INSERT INTO audit_event'))).toHaveLength(1);
    expect(sql.some((q) => /advisory/.test(q))).toBe(false);
    expect(kick).toHaveBeenCalledTimes(1);
    await uow.run(testActor(), async () => 'nothing audited');
    expect(kick).toHaveBeenCalledTimes(1);
    await expect(
      uow.run(testActor(), async (tx) => {
        tx.audit({ action: 'spec.failed', outcome: 'success' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(kick).toHaveBeenCalledTimes(1);
  });

  it('commits kept events after a rollback in a transaction of their own, opened only once the first one has ended', async () => {
    const log: string[] = [];
    let open = 0;
    let txs = 0;
    const db = {
      transaction: async <T>(fn: (e: EntityManager) => Promise<T>) => {
        const n = ++txs;
        if (open > 0) log.push(`transaction ${n} opened while another holds its connection`);
        open++;
        const em = {
          query: async (q: string, p: unknown[]) => void log.push(`${n}: ${q.split(' ').slice(0, 3).join(' ')} ${JSON.stringify(p)}`),
        };
        try {
          return await fn(em as unknown as EntityManager);
        } finally {
          open--;
        }
      },
    } as unknown as DataSource;
    const clock = new TestClock();
    const kick = jest.fn();
    const lost = jest.fn();
    const uow = new UnitOfWork(db, clock, new OutboxSignal(), new InMemoryOutboxRepository(() => clock.now()), { kick });
    await expect(
      uow.run(testActor(), async (tx) => {
        tx.audit({ action: 'spec.rolled-back', outcome: 'success' });
        tx.auditEvenIfRolledBack({ action: 'spec.alarm', outcome: 'failure' }, lost);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(log.filter((l) => /opened while/.test(l))).toEqual([]);
    const inserts = log.filter((l) => l.includes('INSERT INTO audit_event'));
    expect(inserts).toHaveLength(1);
    expect(inserts[0]).toMatch(/^2: .*spec\.alarm/);
    expect(inserts[0]).not.toMatch(/spec\.rolled-back/);
    expect(kick).toHaveBeenCalledTimes(1);
    expect(lost).not.toHaveBeenCalled();

    // Committed with the transaction when it commits; nothing left over to commit again.
    log.length = 0;
    await uow.run(testActor(), async (tx) => tx.auditEvenIfRolledBack({ action: 'spec.alarm', outcome: 'failure' }, lost));
    expect(log.filter((l) => l.includes('INSERT INTO audit_event'))).toHaveLength(1);
    expect(txs).toBe(3);
  });

  it('tells onLost when the kept events could not be committed either, and throws the first error', async () => {
    let txs = 0;
    const db = {
      transaction: async <T>(fn: (e: EntityManager) => Promise<T>) => {
        if (++txs > 1) throw new Error('the database is gone');
        return fn({} as EntityManager);
      },
    } as unknown as DataSource;
    const clock = new TestClock();
    const lost = jest.fn();
    const uow = new UnitOfWork(db, clock, new OutboxSignal(), new InMemoryOutboxRepository(() => clock.now()), { kick: () => undefined });
    await expect(
      uow.run(testActor(), async (tx) => {
        tx.auditEvenIfRolledBack({ action: 'spec.alarm', outcome: 'failure' }, lost);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(lost).toHaveBeenCalledWith(expect.objectContaining({ message: 'the database is gone' }));
  });
});
