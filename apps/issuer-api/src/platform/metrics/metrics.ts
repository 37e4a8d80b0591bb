import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per API process; modules add their own metrics to it. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'scm_api_' });

export const httpRequests = new Counter({
  name: 'scm_http_requests_total',
  help: 'HTTP requests by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: 'scm_http_request_duration_seconds',
  help: 'HTTP request duration by method and route',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/** What a pool reports of its connections (pg-pool's counters). */
export interface PoolCounters {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const pools = new Set<() => PoolCounters | undefined>();

/** Adds a database pool to `scm_db_pool_connections`; returns the function that removes it. */
export function watchPool(counters: () => PoolCounters | undefined): () => void {
  pools.add(counters);
  return () => pools.delete(counters);
}

export const dbPool = new Gauge({
  name: 'scm_db_pool_connections',
  help: "The API's PostgreSQL pool: connections open (total), idle, and checkouts waiting for one (waiting)",
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    let total = 0;
    let idle = 0;
    let waiting = 0;
    for (const p of pools) {
      const c = p();
      if (!c) continue;
      total += c.totalCount;
      idle += c.idleCount;
      waiting += c.waitingCount;
    }
    this.set({ state: 'total' }, total);
    this.set({ state: 'idle' }, idle);
    this.set({ state: 'waiting' }, waiting);
  },
});
