import type { PgCaStore } from '@scm/ca';
import type { TxScope } from '../platform/infra/unit-of-work';

/** libs/ca's store as the API runs it (PgCaStoreRepository): the store, bound to a unit of work's transaction in `inTx`. */
export interface CaStorePort {
  readonly store: PgCaStore;
  /** Runs fn with the store bound to the unit of work's transaction. */
  inTx<T>(tx: Pick<TxScope, 'em'>, fn: () => Promise<T>): Promise<T>;
}

export const CA_STORE = Symbol('CaStore');
