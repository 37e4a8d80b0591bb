import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';

/**
 * Inside a unit of work every query must run on the transaction's own connection. A repository
 * that falls back to the pool there (`tx?.em ?? ds.manager` called without the tx) takes a second
 * connection while the first is held: under load every request holds one and waits for another,
 * and the pool runs dry; if the second waits on a row the first has locked, both are held for
 * good. The guard marks the unit of work's async context and reports any other connection taken
 * in it.
 */
const inUnitOfWork = new AsyncLocalStorage<string>();

/** Runs fn marked as the body of a unit of work (`what` names it in a report). */
export function withinUnitOfWork<T>(what: string, fn: () => Promise<T>): Promise<T> {
  return inUnitOfWork.run(what, fn);
}

/** Runs fn outside any unit of work's mark: work it starts that outlives the transaction (a background pass). */
export function outsideUnitOfWork<T>(fn: () => T): T {
  return inUnitOfWork.exit(fn);
}

export class SecondConnectionError extends Error {
  constructor(readonly unitOfWork: string) {
    super(`a query inside the unit of work "${unitOfWork}" took a second connection from the pool instead of using its transaction`);
    this.name = 'SecondConnectionError';
  }
}

const GUARDED = Symbol('scm.tx-guard');

/**
 * Wraps ds.createQueryRunner (every pool checkout of TypeORM goes through it): a checkout inside
 * a unit of work's body calls onViolation, which may throw to refuse it.
 */
export function guardSecondConnections(ds: DataSource, onViolation: (e: SecondConnectionError) => void): void {
  const target = ds as DataSource & { [GUARDED]?: true };
  if (target[GUARDED] || typeof ds.createQueryRunner !== 'function') return;
  const original = ds.createQueryRunner.bind(ds);
  ds.createQueryRunner = (...args: Parameters<DataSource['createQueryRunner']>) => {
    const what = inUnitOfWork.getStore();
    if (what !== undefined) {
      // Deep enough to reach the handler through TypeORM's own frames.
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 40;
      const e = new SecondConnectionError(what);
      Error.stackTraceLimit = limit;
      onViolation(e);
    }
    return original(...args);
  };
  target[GUARDED] = true;
}
