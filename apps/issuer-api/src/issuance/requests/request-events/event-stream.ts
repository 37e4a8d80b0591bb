import type { Request, Response } from 'express';
import type { RequestEvent } from '../request.repository';
import type { RequestEventsRepository } from './request-events.repository';

const HEARTBEAT_MS = 15_000;

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
  let open = false;
  let done = false;
  const buffered: RequestEvent[] = [];
  const send = (event: string, data: unknown) => {
    if (!done) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  let heartbeat: NodeJS.Timeout | undefined;
  let unsubscribe: () => void = () => undefined;
  let unreset: () => void = () => undefined;
  const end = () => {
    if (done) return;
    done = true;
    clearInterval(heartbeat);
    unsubscribe();
    unreset();
    if (open) res.end();
  };
  const onEvent = (e: RequestEvent) => {
    if (!spec.match(e) || done) return;
    if (!open) return void buffered.push(e);
    send('state', e);
    spec.after?.(e, end);
  };
  unsubscribe = await feed.subscribe(onEvent);
  unreset = feed.onReset(() => {
    send('reset', { reason: 'the event listener reconnects; read the state again' });
    end();
  });
  req.on('close', end);
  try {
    let started = false;
    await spec.snapshot((event, data) => {
      if (!started) {
        started = true;
        res
          .status(200)
          .set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
        res.flushHeaders();
        open = true;
      }
      send(event, data);
    }, end);
  } catch (e) {
    end();
    throw e;
  }
  for (const e of buffered.splice(0)) onEvent(e);
  if (!done) heartbeat = setInterval(() => res.write(': keep-alive\n\n'), spec.heartbeatMs ?? HEARTBEAT_MS);
}
