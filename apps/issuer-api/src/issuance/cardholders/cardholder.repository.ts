import type { CardholderEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A person cards are issued to (one row of cardholder). */
export type Cardholder = CardholderEntity;

/** Cardholders matching a search (name, e-mail, UPN or organisation id contain it, any case), a page of them. */
export interface CardholderSearch {
  search?: string;
  limit: number;
  offset: number;
}

/** The identity fields of a cardholder that certificates carry. */
export interface CardholderIdentity {
  name: string;
  upn: string | null;
  email: string | null;
}

/** The cardholder aggregate's storage. */
export interface CardholderRepository {
  /** Inserts every cardholder in one statement (imports of thousands). */
  insertMany(tx: TxScope, cardholders: readonly Cardholder[]): Promise<void>;
  get(id: string, tx?: TxScope): Promise<Cardholder | undefined>;
  /** By name (case-insensitive), then id. */
  search(filter: CardholderSearch, tx?: TxScope): Promise<Cardholder[]>;
  /** Cardholders whose UPN, lower-cased, is one of `upns` (given lower-cased). */
  withUpns(upns: readonly string[], tx: TxScope): Promise<Cardholder[]>;
  /** Cardholders whose id is one of `ids`, or whose UPN or e-mail address, lower-cased, is one of `names`. */
  byReferences(ids: readonly string[], names: readonly string[], tx: TxScope): Promise<Cardholder[]>;
  /** Makes pending cardholders active, sponsored by `sponsor` (an actor); returns the ids it changed. */
  approveRegistration(tx: TxScope, ids: readonly string[], sponsor: string): Promise<string[]>;
  /** Records `sponsor` (an actor) as the sponsor of the cardholder's next card; false when the cardholder is not active. */
  sponsor(tx: TxScope, id: string, sponsor: string): Promise<boolean>;
  /** Changes an active cardholder's name, UPN and e-mail if they are still `from`; false otherwise. */
  updateIdentity(tx: TxScope, id: string, from: CardholderIdentity, to: CardholderIdentity): Promise<boolean>;
  /** Consumes the sponsorships of these cardholders (one card each). */
  consumeSponsorships(tx: TxScope, ids: readonly string[]): Promise<void>;
}

export const CARDHOLDER_REPOSITORY = Symbol('CardholderRepository');
