import type { Request, Response } from 'express';
import { eventStream } from '../../../platform/http/event-stream';
import type { RequestEvent } from '../request.repository';
import type { RequestEventsRepository } from './request-events.repository';

/** What a follower of requests is sent, and when its stream ends. */
export interface FollowSpec {
  /** The changes this follower wants. */
  match: (e: RequestEvent) => boolean;
  /** Sends the current state (the `snapshot` event); may end the stream at once. */
  snapshot: (send: (event: string, data: unknown) => void, end: () => void) => Promise<void>;
  /** Called after each change is sent; may end the stream. */
  after?: (e: RequestEvent, end: () => void) => void;
  heartbeatMs?: number;
}

/**
 * A server-sent event stream (text/event-stream) of committed request changes: a `snapshot`
 * first, then one `state` event per change, a `reset` when changes may have been missed. It
 * subscribes before reading the snapshot, so no change falls between the two (a change may then
 * arrive twice: states are idempotent). Errors before the first byte propagate (they become
 * problems); the stream ends when the client goes away.
 */
export async function followRequests(feed: RequestEventsRepository, req: Request, res: Response, spec: FollowSpec): Promise<void> {
  const stream = eventStream(req, res, spec.heartbeatMs);
  const buffered: RequestEvent[] = [];
  let live = false;
  const onEvent = (e: RequestEvent) => {
    if (!spec.match(e) || stream.done) return;
    if (!live) return void buffered.push(e);
    stream.send('state', e);
    spec.after?.(e, () => stream.end());
  };
  stream.onEnd(await feed.subscribe(onEvent));
  stream.onEnd(
    feed.onReset(() => {
      stream.send('reset', { reason: 'the event listener reconnects; read the state again' });
      stream.end();
    }),
  );
  try {
    await spec.snapshot(
      (event, data) => {
        stream.start();
        stream.send(event, data);
      },
      () => stream.end(),
    );
  } catch (e) {
    stream.end();
    throw e;
  }
  live = true;
  for (const e of buffered.splice(0)) onEvent(e);
}
