import { hostname } from 'node:os';

/**
 * The period a job scheduler's job stands for: BullMQ names each iteration
 * `repeat:<scheduler id>:<due time in ms>`, the same on every replica. Undefined for a job that a
 * scheduler did not make (run at once, with no period to take).
 */
export function scheduledPeriod(jobId: string, job: string): Date | undefined {
  const prefix = `repeat:${job}:`;
  if (!jobId.startsWith(prefix)) return undefined;
  const ms = Number(jobId.slice(prefix.length));
  return Number.isSafeInteger(ms) && ms > 0 ? new Date(ms) : undefined;
}

/** This API process among its replicas, as the periodic-run record names it: host and process id. */
export const REPLICA_NAME = `${hostname()}/${process.pid}`;
