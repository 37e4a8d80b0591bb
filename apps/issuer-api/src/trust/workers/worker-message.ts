import type { ReaderReport } from '@scm/db';

/** Messages a worker sends on its channel. */
export type WorkerMessage =
  | { type: 'readers'; host: string; readers: Array<{ name: string; cardPresent: boolean; atr: string | null }> }
  | { type: 'ping' }
  | { type: 'event'; event: string; data?: Record<string, unknown> }
  /** Several events at once (a worker's step reports of the last ~100 ms): at most MAX_EVENTS. */
  | { type: 'events'; events: Array<{ event: string; data?: Record<string, unknown> }> };

/** The most events one `events` message may carry. */
export const MAX_EVENTS = 32;

/** The events a message carries (one for `event`, each of `events`), or undefined when an `events` message is malformed. */
export function messageEvents(m: WorkerMessage): Array<{ event: string; data?: Record<string, unknown> }> | undefined {
  if (m?.type === 'event') return [m];
  if (m?.type !== 'events') return [];
  if (!Array.isArray(m.events) || m.events.length > MAX_EVENTS) return undefined;
  return m.events.every((e) => e && typeof e === 'object' && typeof e.event === 'string') ? m.events : undefined;
}

/** A message as sent, or undefined when it is not JSON (the channel then closes). */
export function parseWorkerMessage(text: string): WorkerMessage | undefined {
  try {
    return JSON.parse(text) as WorkerMessage;
  } catch {
    return undefined;
  }
}

/** Limits of a reader report: what a worker cannot make the API store, however it misbehaves. */
const MAX_READERS = 64;
const MAX_NAME = 200;
const ATR = /^([0-9A-F]{2}){1,33}$/;

/** The heartbeat a `readers` message carries, bounded and cleaned, or null when the message is not one. */
export function readerHeartbeat(m: WorkerMessage): { host: string; readers: ReaderReport[] } | null {
  if (m?.type !== 'readers' || !Array.isArray(m.readers)) return null;
  return {
    host: String(m.host ?? '').slice(0, MAX_NAME),
    readers: m.readers.slice(0, MAX_READERS).map((r) => ({
      name: String(r.name).slice(0, MAX_NAME),
      cardPresent: r.cardPresent === true,
      atr: typeof r.atr === 'string' && ATR.test(r.atr) ? r.atr : null,
    })),
  };
}
