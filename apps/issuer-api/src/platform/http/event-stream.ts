import type { Request, Response } from 'express';

const HEARTBEAT_MS = 15_000;

/** A server-sent event stream (text/event-stream) on an Express response. */
export interface EventStream {
  /** Sends one event (nothing once the stream ended). */
  send(event: string, data: unknown): void;
  /** Writes the headers: call before the first event. Errors thrown before it become problem bodies. */
  start(): void;
  /** Ends the stream once (the client going away ends it too); the cleanup functions run then. */
  end(): void;
  /** Runs fn when the stream ends. */
  onEnd(fn: () => void): void;
  readonly done: boolean;
}

/** Opens a stream that sends a keep-alive comment every `heartbeatMs` once started, and ends when the client leaves. */
export function eventStream(req: Request, res: Response, heartbeatMs = HEARTBEAT_MS): EventStream {
  let open = false;
  let done = false;
  let heartbeat: NodeJS.Timeout | undefined;
  const cleanups: Array<() => void> = [];
  const stream: EventStream = {
    send(event, data) {
      if (!done && open) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    start() {
      if (open || done) return;
      res
        .status(200)
        .set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      res.flushHeaders();
      open = true;
      heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
    },
    end() {
      if (done) return;
      done = true;
      clearInterval(heartbeat);
      for (const fn of cleanups.splice(0)) fn();
      if (open) res.end();
    },
    onEnd(fn) {
      if (done) fn();
      else cleanups.push(fn);
    },
    get done() {
      return done;
    },
  };
  req.on('close', () => stream.end());
  return stream;
}
