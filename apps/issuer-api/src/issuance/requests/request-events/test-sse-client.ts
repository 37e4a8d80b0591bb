import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';

/** A client of a server-sent event stream, for specs: what was written, parsed back into events. */
export class SseClient {
  readonly req = new EventEmitter() as unknown as Request;
  readonly chunks: string[] = [];
  status?: number;
  headers: Record<string, string> = {};
  ended = false;

  readonly res = {
    status: (n: number) => {
      this.status = n;
      return this.res;
    },
    set: (h: Record<string, string>) => {
      this.headers = { ...this.headers, ...h };
      return this.res;
    },
    flushHeaders: () => undefined,
    write: (chunk: string) => {
      if (this.ended) throw new Error('write after end');
      this.chunks.push(chunk);
      return true;
    },
    end: () => {
      this.ended = true;
    },
  } as unknown as Response;

  /** The events sent so far (comments such as heartbeats left out). */
  get events(): Array<{ event: string; data: unknown }> {
    return this.chunks
      .filter((c) => c.startsWith('event: '))
      .map((c) => {
        const [e, d] = c.trimEnd().split('\n');
        return { event: e.slice('event: '.length), data: JSON.parse(d.slice('data: '.length)) as unknown };
      });
  }

  /** The client goes away. */
  close(): void {
    (this.req as unknown as EventEmitter).emit('close');
  }
}
