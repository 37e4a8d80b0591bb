import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PgCaStore, type SqlRunner } from '@scm/ca';
import type { DataSource, EntityManager } from 'typeorm';
import type { TxScope } from '../platform/infra/unit-of-work';
import type { CaStorePort } from './ca-store.port';

/**
 * libs/ca's own PostgreSQL store as the API runs it: on the pool, or, inside `inTx`, on the unit
 * of work's transaction, so certificates, status changes and CRL numbers commit (or vanish) with
 * the change they belong to. Only the CA (HsmCertificateAuthority, PivContentSigner) uses it.
 */
@Injectable()
export class PgCaStoreRepository implements CaStorePort {
  readonly store: PgCaStore;
  private readonly txEm = new AsyncLocalStorage<{ em: EntityManager; last: Promise<unknown> }>();

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    this.store = new PgCaStore(() => this.runner());
  }

  /** Runs fn with the store bound to the unit of work's transaction. */
  inTx<T>(tx: Pick<TxScope, 'em'>, fn: () => Promise<T>): Promise<T> {
    return this.txEm.run({ em: tx.em, last: Promise.resolve() }, fn);
  }

  private runner(): SqlRunner {
    const ctx = this.txEm.getStore();
    if (!ctx) return (sql, params) => this.ds.query(sql, params) as Promise<unknown[]>;
    // One connection carries the transaction: statements from CA operations running in parallel
    // (certificates signed in several HSM lanes) take their turn on it.
    return (sql, params) => {
      const r = ctx.last.then(() => ctx.em.query(sql, params) as Promise<unknown[]>);
      ctx.last = r.catch(() => undefined);
      return r;
    };
  }
}
