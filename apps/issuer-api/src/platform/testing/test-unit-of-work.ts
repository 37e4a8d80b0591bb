import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditEventInput } from '@scm/audit';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../trust/auth/principal';
import type { Clock } from '../infra/clock.port';
import { OutboxSignal, Refusal, Tx, UnitOfWork } from '../infra/unit-of-work';

/** A settable clock for handler specs. */
export class TestClock implements Clock {
  constructor(private t = new Date('2026-12-01T09:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

/** The transaction of a spec: no database; a repository that reaches for it is a bug the spec shows. */
const NO_DATABASE = new Proxy({} as EntityManager, {
  get(_t, prop) {
    throw new Error(`a handler spec's transaction has no database (${String(prop)} was used): use an in-memory repository`);
  },
});

/** What one unit of work committed (or, for a refusal, committed before the error was thrown). */
export interface Committed {
  events: AuditEventInput[];
  jobs: Tx['jobs'];
  refused?: Error;
  /** The unit of work threw: only its kept events (auditEvenIfRolledBack) were committed, after the rollback. */
  rolledBack?: Error;
}

/** A unit of work started inside another: the real one takes a second pool connection while the first is held. */
export class NestedUnitOfWorkError extends Error {
  constructor() {
    super('a unit of work was started inside another: it would take a second pool connection while the first is held');
    this.name = 'NestedUnitOfWorkError';
  }
}

/**
 * The unit of work of handler specs: runs the function with a Tx over no database, keeps the
 * audit events and jobs of every run that committed (a thrown error commits nothing; a refusal
 * commits its audit and then throws), so a spec can check both.
 */
export class TestUnitOfWork extends UnitOfWork {
  readonly committed: Committed[] = [];
  private readonly running = new AsyncLocalStorage<true>();

  constructor(readonly testClock: TestClock = new TestClock()) {
    super(undefined as never, testClock, new OutboxSignal(), undefined as never, undefined as never);
  }

  override async run<T>(actor: Actor, fn: (tx: Tx) => Promise<T | Refusal>): Promise<T> {
    if (this.running.getStore()) throw new NestedUnitOfWorkError();
    const tx = new Tx(NO_DATABASE, actor, this.testClock.now());
    let r: T | Refusal;
    try {
      r = await this.running.run(true, () => fn(tx));
    } catch (e) {
      if (tx.kept.length) this.committed.push({ events: tx.kept.map((k) => k.event), jobs: [], rolledBack: e as Error });
      throw e;
    }
    this.committed.push({ events: tx.events, jobs: tx.jobs, ...(r instanceof Refusal ? { refused: r.error } : {}) });
    if (r instanceof Refusal) throw r.error;
    return r;
  }

  /** Every audit event committed so far. */
  get events(): AuditEventInput[] {
    return this.committed.flatMap((c) => c.events);
  }

  /** Every job queued (through the outbox) so far. */
  get jobs(): Tx['jobs'] {
    return this.committed.flatMap((c) => c.jobs);
  }
}

/** An officer, as handler specs act. */
export const testActor = (id = '00000000-0000-4000-8000-0000000000a1', role = 'security-officer'): Actor => ({
  actor: `user:${id}`,
  actorName: 'olga',
  role,
  requestId: 'req-spec',
});
