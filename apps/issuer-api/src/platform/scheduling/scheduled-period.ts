import { hostname } from 'node:os';

/**
 * The period a job scheduler's job stands for: the slot of `everyMs` on the wall clock (multiples
 * of the period since the epoch) holding its due time. BullMQ names each iteration
 * `repeat:<scheduler id>:<due time in ms>`, the same on every replica; iterations are `everyMs`
 * apart, so each falls in a slot of its own. A scheduler written anew (Redis lost it) starts a new
 * cadence from "now": its first iteration may fall in the slot the last one before the loss ran
 * in, and the slot keeps it from running twice. Undefined for a job no scheduler made.
 */
export function scheduledPeriod(jobId: string, job: string, everyMs: number): Date | undefined {
  const prefix = `repeat:${job}:`;
  if (!jobId.startsWith(prefix)) return undefined;
  const ms = Number(jobId.slice(prefix.length));
  if (!Number.isSafeInteger(ms) || ms <= 0) return undefined;
  return new Date(Math.floor(ms / everyMs) * everyMs);
}

/** This API process among its replicas, as the periodic-run record names it: host and process id. */
export const REPLICA_NAME = `${hostname()}/${process.pid}`;
