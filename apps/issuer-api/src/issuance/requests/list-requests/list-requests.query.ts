import { Query } from '@nestjs/cqrs';
import type { RequestState } from '../request-state';

export interface RequestSummary {
  id: string;
  batchId: string | null;
  cardholderId: string;
  cardholderName: string;
  profileId: string;
  state: string;
  stateChangedAt: string;
  failure: string | null;
}

/** Requests of a batch (or all, filtered by state or cardholder), newest first. */
export class ListRequestsQuery extends Query<RequestSummary[]> {
  constructor(readonly filter: { batchId?: string; state?: RequestState; cardholderId?: string; limit?: number; offset?: number }) {
    super();
  }
}
