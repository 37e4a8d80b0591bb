import { assertIdsOnly, JOB_FIELDS, JOB_QUEUE, type JobName, type JobPayloads, type QueueName } from './jobs';

/** What a handler learns about the job besides its payload. */
export interface JobContext {
  /** The deterministic job id (see jobId). */
  readonly id: string;
  /** Attempts made before this one, and how many are allowed in all. */
  readonly attemptsMade: number;
  readonly attempts: number;
}

/** A typed handler: the payload is the job's declared payload, checked before the call. */
export type JobHandler<J extends JobName> = (payload: JobPayloads[J], ctx: JobContext) => Promise<void>;

/** A job as a queue library delivers it (BullMQ's Job has these fields). */
export interface DeliveredJob {
  readonly name: string;
  readonly id?: string;
  readonly data: unknown;
  readonly attemptsMade: number;
  readonly opts: { readonly attempts?: number };
}

/** A job that cannot be run whatever the retries: unknown name, or a payload that is not the job's. */
export class UnrunnableJobError extends Error {
  readonly unrecoverable = true;
}

/**
 * Binds the jobs of some queues to typed handlers: each job has exactly one handler (checked by
 * `check()` at start-up), and a payload is checked field by field against JOB_FIELDS before its
 * handler sees it, so no consumer casts `job.data`.
 */
export class JobRouter {
  private readonly handlers = new Map<JobName, { owner: string; fn: JobHandler<JobName> }>();

  constructor(private readonly queues: readonly QueueName[]) {}

  /** Registers the handler of one job; a second handler for the same job is refused. */
  on<J extends JobName>(job: J, owner: string, fn: JobHandler<J>): this {
    if (!this.queues.includes(JOB_QUEUE[job]))
      throw new Error(`job "${job}" belongs to queue ${JOB_QUEUE[job]}, not to ${this.queues.join(', ')}`);
    const had = this.handlers.get(job);
    if (had) throw new Error(`job "${job}" already has a handler (${had.owner}); ${owner} cannot add another`);
    this.handlers.set(job, { owner, fn: fn as JobHandler<JobName> });
    return this;
  }

  /** Throws naming every job of the router's queues that has no handler. */
  check(): void {
    const missing = (Object.keys(JOB_QUEUE) as JobName[]).filter((j) => this.queues.includes(JOB_QUEUE[j]) && !this.handlers.has(j));
    if (missing.length)
      throw new Error(`job handler registry: ${missing.map((j) => `job "${j}" (queue ${JOB_QUEUE[j]}) has no handler`).join('; ')}`);
  }

  /** Runs a delivered job's handler with its checked payload. */
  async dispatch(job: DeliveredJob): Promise<void> {
    const name = job.name as JobName;
    const h = this.handlers.get(name);
    if (!h) throw new UnrunnableJobError(`no handler for job "${job.name}" on ${this.queues.join(', ')}`);
    await h.fn(payloadOf(name, job.data), { id: job.id ?? '', attemptsMade: job.attemptsMade, attempts: job.opts.attempts ?? 1 });
  }
}

/** The payload of a job as declared, or UnrunnableJobError naming what is wrong with it. */
export function payloadOf<J extends JobName>(name: J, data: unknown): JobPayloads[J] {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new UnrunnableJobError(`job "${name}": the payload is not an object`);
  const fields = JOB_FIELDS[name] as readonly string[];
  const got = Object.keys(data);
  const extra = got.filter((k) => !fields.includes(k));
  const missing = fields.filter((k) => !got.includes(k));
  if (extra.length || missing.length) {
    throw new UnrunnableJobError(
      `job "${name}": payload fields ${missing.length ? `missing ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `unexpected ${extra.join(', ')}` : ''}`,
    );
  }
  try {
    assertIdsOnly(data as Record<string, unknown>);
  } catch (e) {
    throw new UnrunnableJobError(`job "${name}": ${(e as Error).message}`);
  }
  return data as JobPayloads[J];
}
