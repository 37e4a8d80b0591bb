import type { VscEntity, VscStateJson, VscVersionEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A managed VSC's row (its state lives here, its content in its versions). */
export type StoredVsc = VscEntity;
/** One sealed version: the escrow copy of that content, never changed. */
export type StoredVscVersion = VscVersionEntity;
/** A version's facts without its content. */
export type VscVersionFacts = Omit<VscVersionEntity, 'content'>;

/** The VSC aggregate's storage: the vsc row and its sealed versions. */
export interface VscRepository {
  insert(tx: TxScope, vsc: StoredVsc): Promise<void>;
  /** Moves current_version from `from` to `to`; false when another version came first. */
  advance(tx: TxScope, id: string, from: number, to: number): Promise<boolean>;
  insertVersion(tx: TxScope, version: StoredVscVersion): Promise<void>;
  get(id: string, tx?: TxScope): Promise<StoredVsc | undefined>;
  /** A version with its content (the current one when `version` is not given). */
  version(vscId: string, version: number | undefined, tx?: TxScope): Promise<StoredVscVersion | undefined>;
  /** Every version's facts, oldest first. */
  versions(vscId: string, tx?: TxScope): Promise<VscVersionFacts[]>;
  /** Records that a version's escrow is committed; false when it already was. */
  markEscrowed(tx: TxScope, vscId: string, version: number): Promise<boolean>;
  /** The newest version whose escrow is committed. */
  latestEscrowed(vscId: string, tx: TxScope): Promise<number | undefined>;
  /** The escrow VSC of an issuance request (one per request). */
  ofRequest(requestId: string, tx?: TxScope): Promise<StoredVsc | undefined>;
  /** Merges `patch` into the VSC's state (top-level fields replaced). */
  patchState(tx: TxScope, id: string, patch: Partial<VscStateJson>): Promise<void>;
  /** The escrow VSC of an issuance request, locked for the rest of the transaction. */
  lockOfRequest(tx: TxScope, requestId: string): Promise<StoredVsc | undefined>;
  /** Records the real card a VSC is bound to in its state (null: no card any more). */
  setBinding(tx: TxScope, vscId: string, binding: VscBinding | null): Promise<void>;
}

/** The real card a VSC is bound to, as its state records it (the ATR in hex). */
export type VscBinding = NonNullable<StoredVsc['state']['binding']>;

export const VSC_REPOSITORY = Symbol('VscRepository');
