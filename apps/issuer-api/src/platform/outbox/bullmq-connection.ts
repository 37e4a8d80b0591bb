import Redis from 'ioredis';

/** A connection for BullMQ (it needs maxRetriesPerRequest: null and blocking commands). */
export function bullConnection(url: string, name: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: name,
    retryStrategy: (n) => Math.min(n * 200, 2000),
  }).on('error', () => undefined);
}
