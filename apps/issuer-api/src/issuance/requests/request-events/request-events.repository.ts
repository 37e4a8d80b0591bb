import type { RequestEvent } from '../request.repository';

/**
 * Committed request changes as they are announced (RequestRepository.announce), for followers
 * of a request or a batch. Every API replica hears every change.
 */
export interface RequestEventsRepository {
  /** Calls fn for every committed change until the returned function is called; resolves once listening. */
  subscribe(fn: (e: RequestEvent) => void): Promise<() => void>;
  /** Calls fn when changes may have been missed (the listener lost its connection): followers must re-read the state. */
  onReset(fn: () => void): () => void;
}

export const REQUEST_EVENTS_REPOSITORY = Symbol('RequestEventsRepository');
