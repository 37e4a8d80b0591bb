import { Query } from '@nestjs/cqrs';
import type { RequestState } from '../request-state';

/** How many requests are in each state (every state named, zero where none). */
export type RequestCounts = Record<RequestState, number>;

/** Requests by state, over every batch: the officer's dashboard. */
export class CountRequestsQuery extends Query<RequestCounts> {}
