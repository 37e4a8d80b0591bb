import type { IssuanceBatchEntity, IssuanceRequestEntity, IssuanceRequestEventEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { RequestState } from './request-state';

/** An issuance request as the domain sees it (one row of issuance_request). */
export type IssuanceRequest = IssuanceRequestEntity;

/** A batch of requests submitted together (one row of issuance_batch). */
export type IssuanceBatch = IssuanceBatchEntity;

/** One line of a request's history as stored (issuance_request_event). */
export type RequestHistoryLine = IssuanceRequestEventEntity;

/** What a listener hears about a request (ids and states only). */
export interface RequestEvent {
  type: 'state';
  requestId: string;
  batchId: string | null;
  from: RequestState | null;
  state: RequestState;
  at: string;
}

/** One line of a request's history (issuance_request_event). */
export interface RequestHistoryEntry {
  requestId: string;
  from: RequestState | null;
  to: RequestState;
  actor: string;
  details: Record<string, unknown>;
}

/**
 * The issuance request aggregate's storage: requests, their history and the announcements of
 * their changes. Writes take the unit of work's transaction; reads without one use the pool.
 */
export interface RequestRepository {
  /** The request, locked for the rest of the transaction. */
  lock(tx: TxScope, id: string): Promise<IssuanceRequest | undefined>;
  /** The request as committed (or as this transaction sees it). */
  get(id: string, tx?: TxScope): Promise<IssuanceRequest | undefined>;
  /** Sets the state (and the failure when given) if the request is still in `from`; false when it had moved. */
  setState(tx: TxScope, id: string, from: RequestState, to: RequestState, failure?: string): Promise<boolean>;
  /** Appends lines to the requests' history. */
  addHistory(tx: TxScope, entries: readonly RequestHistoryEntry[]): Promise<void>;
  /** Announces changes to listeners once the transaction commits. */
  announce(tx: TxScope, events: readonly RequestEvent[]): Promise<void>;
  /**
   * Inserts new requests in one statement (batches of thousands). A cardholder who got an open
   * request concurrently makes it fail with IssuanceErrorCode.OpenRequestExists.
   */
  insertMany(tx: TxScope, requests: readonly IssuanceRequest[]): Promise<void>;
  /** The requests of these cardholders that are not issued, failed or cancelled (at most one each). */
  openOf(cardholderIds: readonly string[], tx: TxScope): Promise<IssuanceRequest[]>;
  /** A request's history, oldest first. */
  historyOf(requestId: string, tx?: TxScope): Promise<RequestHistoryLine[]>;
  insertBatch(tx: TxScope, batch: IssuanceBatch): Promise<void>;
  getBatch(id: string, tx?: TxScope): Promise<IssuanceBatch | undefined>;
  /** The batch submitted under the caller's reference. */
  batchByReference(reference: string, tx: TxScope): Promise<IssuanceBatch | undefined>;
  /** A batch's requests in the order they were created. */
  ofBatch(batchId: string, tx: TxScope): Promise<IssuanceRequest[]>;
  /** Binds the request to a card and to the worker personalising it (null: neither any more). */
  assign(tx: TxScope, id: string, to: RequestAssignment): Promise<void>;
}

/** Which card and worker a request is bound to; a field left out keeps its value. */
export type RequestAssignment = Partial<Pick<IssuanceRequest, 'cardId' | 'workerId'>>;

export const REQUEST_REPOSITORY = Symbol('RequestRepository');
