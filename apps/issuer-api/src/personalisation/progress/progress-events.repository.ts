import type { RequestEvent } from '../../issuance/requests/request.repository';
import type { StepEvent } from '../attempts/personalisation.repository';

/** What progress streams follow: committed request state changes and personalisation steps. */
export type ProgressEvent = StepEvent | RequestEvent;

/** The committed progress events, as the database announces them. */
export interface ProgressEventsRepository {
  /** Follows the events from now on; resolves once they are listened to, with the function that stops following. */
  subscribe(fn: (e: ProgressEvent) => void): Promise<() => void>;
  /** Called when events may have been missed (the listener lost its connection): followers read the state again. */
  onReset(fn: () => void): () => void;
}

export const PROGRESS_EVENTS_REPOSITORY = Symbol('ProgressEventsRepository');
