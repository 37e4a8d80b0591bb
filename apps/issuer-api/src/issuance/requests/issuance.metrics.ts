import { Counter, Histogram } from 'prom-client';
import { registry } from '../../platform/metrics/metrics';

/** Time of one generate-keys job run (all three commits when it starts at requested), by outcome. */
export const keygenSeconds = new Histogram({
  name: 'scm_issuance_keygen_seconds',
  help: 'Duration of a generate-keys job run by outcome (generated, resumed, superseded, nothing-to-do, error)',
  labelNames: ['outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

/** Issuance requests accepted (one per request, batches included) and requests that failed key generation. */
export const issuanceRequests = new Counter({
  name: 'scm_issuance_requests_total',
  help: 'Issuance requests accepted, and requests failed by key generation',
  labelNames: ['event'] as const,
  registers: [registry],
});
