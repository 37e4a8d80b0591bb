/**
 * Every queue, job name and payload type of the API's own background work, in one place. Card
 * jobs are not here: the API leases them to card workers from PostgreSQL (workers never reach
 * Redis). Payloads hold ids only — never key
 * material, PINs or personal data — and job ids are deterministic so a job re-queued after a crash
 * or a Redis flush is the same job, not a second one.
 */
export const QUEUES = {
  /** Key generation and escrow on the issuer side. */
  keygen: 'keygen',
  /** Housekeeping run by the API itself. */
  maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  'generate-keys': { requestId: string };
  /**
   * Signs and stores a new CRL of a CA. `cause` names what asked for it (a revocation's change id,
   * or `schedule-<CRL number>`), so each cause is one job and a burst of them makes one CRL.
   */
  'publish-crl': { caId: string; cause: string };
  /** Marks a temporary card past its expiry as expired (its VSC refuses to serve from then on). */
  'expire-temporary-card': { temporaryCardId: string };
  /** Used by tests and the outbox benchmark: carries an id only. */
  noop: { ref: string };
  // ---- periodic work: BullMQ job schedulers run each once per period across every API replica
  /** Queues a CRL for every CA whose latest CRL is due for republication. */
  'publish-due-crls': Record<string, never>;
  /** Signs the audit chain head unless the latest checkpoint covers it. */
  'write-audit-checkpoint': Record<string, never>;
  /** Queues the expiry of temporary cards past their end. */
  'sweep-temporary-cards': Record<string, never>;
  /** Completes reissues whose new card is active. */
  'sweep-reissues': Record<string, never>;
  /** Sends personalisation attempts that stopped reporting back to wait for their card. */
  'sweep-stalled-attempts': Record<string, never>;
  /** Expires cards past their end and queues renewals of cards near it (daily). */
  'sweep-card-expiry': Record<string, never>;
}
export type JobName = keyof JobPayloads;

/** Which queue each job goes to; start-up fails if a job has no handler or two (see registry). */
export const JOB_QUEUE: { readonly [J in JobName]: QueueName } = {
  'generate-keys': QUEUES.keygen,
  'publish-crl': QUEUES.maintenance,
  'expire-temporary-card': QUEUES.maintenance,
  noop: QUEUES.maintenance,
  'publish-due-crls': QUEUES.maintenance,
  'write-audit-checkpoint': QUEUES.maintenance,
  'sweep-temporary-cards': QUEUES.maintenance,
  'sweep-reissues': QUEUES.maintenance,
  'sweep-stalled-attempts': QUEUES.maintenance,
  'sweep-card-expiry': QUEUES.maintenance,
};

/** The fields of each job's payload, for checking what comes back out of Redis (every field is an id). */
export const JOB_FIELDS: { readonly [J in JobName]: ReadonlyArray<keyof JobPayloads[J] & string> } = {
  'generate-keys': ['requestId'],
  'publish-crl': ['caId', 'cause'],
  'expire-temporary-card': ['temporaryCardId'],
  noop: ['ref'],
  'publish-due-crls': [],
  'write-audit-checkpoint': [],
  'sweep-temporary-cards': [],
  'sweep-reissues': [],
  'sweep-stalled-attempts': [],
  'sweep-card-expiry': [],
};

/** Jobs of one queue. */
export type JobsOf<Q extends QueueName> = { [J in JobName]: (typeof JOB_QUEUE)[J] extends Q ? J : never }[JobName];

/** Deterministic job id: the same work always has the same id (BullMQ forbids ":" in ids). */
export function jobId<J extends JobName>(name: J, payload: JobPayloads[J]): string {
  const key = Object.keys(payload)
    .sort()
    .map((k) => `${k}=${String((payload as Record<string, unknown>)[k])}`)
    .join('&');
  return `${name}|${key}`;
}

const ID = /^[A-Za-z0-9_.-]{1,128}$/;

/** Rejects payloads that carry anything but ids (defence against a secret slipping into Redis). */
export function assertIdsOnly(payload: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(payload)) {
    if (typeof v !== 'string' || !ID.test(v)) throw new Error(`job payload field "${k}" must be an id`);
  }
}
