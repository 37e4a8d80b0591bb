import type { CardholderEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A person cards are issued to (one row of cardholder). */
export type Cardholder = CardholderEntity;

/** The cardholder aggregate's storage. */
export interface CardholderRepository {
  get(id: string, tx?: TxScope): Promise<Cardholder | undefined>;
}

export const CARDHOLDER_REPOSITORY = Symbol('CardholderRepository');
