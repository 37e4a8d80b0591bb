import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

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
