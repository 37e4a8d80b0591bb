import type { TxScope } from '../../platform/infra/unit-of-work';
import type { IssuanceRequest } from './request.repository';
import type { RequestState } from './request-state';

/** Which requests a list shows. */
export interface RequestListFilter {
  batchId?: string;
  cardholderId?: string;
  state?: RequestState;
  limit: number;
  /** Rows to skip (paging). */
  offset?: number;
}

/** A request as lists show it: its facts without the profile copy, and its cardholder's name. */
export type RequestListEntry = Pick<
  IssuanceRequest,
  'id' | 'batchId' | 'cardholderId' | 'profileId' | 'state' | 'stateChangedAt' | 'failure'
> & {
  cardholderName: string;
};

/** Read models over requests and their cardholders, for the officer's lists and a batch's progress. */
export interface RequestViewsRepository {
  /** Newest first. */
  list(filter: RequestListFilter, tx?: TxScope): Promise<RequestListEntry[]>;
  /** How many requests of a batch (or of all batches) are in each state (states with none are left out). */
  stateCounts(batchId: string | undefined, tx?: TxScope): Promise<Partial<Record<RequestState, number>>>;
}

export const REQUEST_VIEWS_REPOSITORY = Symbol('RequestViewsRepository');
