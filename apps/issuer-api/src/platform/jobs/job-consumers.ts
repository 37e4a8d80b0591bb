import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { settleWithin } from '../infra/settle';
import { type JobHandler, type JobName, JobRouter, QUEUES, type QueueName, UnrunnableJobError } from '@scm/queue';
import { UnrecoverableError, Worker } from 'bullmq';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { BACKGROUND_WORK, LOGGER } from '../infra/tokens';
import { bullConnection } from '../outbox/bullmq-connection';
import { OUTBOX_REPOSITORY, type OutboxRepository } from '../outbox/outbox.repository';

/** The queues the API consumes itself (the card queue belongs to the card workers). */
const API_QUEUES = [QUEUES.keygen, QUEUES.maintenance] as const satisfies readonly QueueName[];

/**
 * The API's job consumers: modules bind their jobs to typed handlers (`on`), each job exactly
 * once; at start-up every job of the API's queues must have its handler, then one BullMQ worker
 * per queue runs them. A job whose payload is not its declared payload fails at once, unretried.
 * Maintenance jobs mark their outbox row done when their handler returns.
 */
@Injectable()
export class JobConsumers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly router = new JobRouter(API_QUEUES);
  private readonly workers: Worker[] = [];
  private readonly conns: Redis[] = [];

  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
    @Inject(BACKGROUND_WORK) private readonly background: boolean,
  ) {
    // A job with nothing to do but to be done: lets operators and tests probe the pipeline.
    this.on('noop', JobConsumers.name, async () => undefined);
  }

  /** Binds a job to its handler; modules call this while the application initialises. */
  on<J extends JobName>(job: J, owner: string, fn: JobHandler<J>): void {
    this.router.on(job, owner, fn);
  }

  onApplicationBootstrap(): void {
    this.router.check();
    if (!this.background) return;
    this.start(QUEUES.maintenance, 2, async (id) => this.outbox.markDone(id));
    if (this.cfg.SCM_KEYGEN_CONCURRENCY > 0) this.start(QUEUES.keygen, this.cfg.SCM_KEYGEN_CONCURRENCY);
  }

  async onModuleDestroy(): Promise<void> {
    // A BullMQ worker closed while its blocking connection is still connecting reports "Connection is
    // closed" after it dropped its listeners (an unhandled 'error'): an API stopped right after it
    // started must let the connections come up first (bounded, for a Redis that is down).
    await Promise.all(this.workers.map((w) => settleWithin(w.waitUntilReady(), 3_000)));
    await Promise.all(this.workers.map((w) => w.close().catch(() => undefined)));
    for (const c of this.conns) c.disconnect();
  }

  private start(queue: QueueName, concurrency: number, done?: (jobId: string) => Promise<void>): void {
    const conn = bullConnection(this.cfg.SCM_REDIS_URL, `scm-${queue}`);
    this.conns.push(conn);
    const worker = new Worker(
      queue,
      async (job) => {
        try {
          await this.router.dispatch(job);
        } catch (e) {
          // BullMQ does not retry an UnrecoverableError.
          if (e instanceof UnrunnableJobError) throw new UnrecoverableError(e.message);
          throw e;
        }
        if (done && job.id) await done(job.id);
      },
      { connection: conn, prefix: this.cfg.SCM_REDIS_PREFIX, concurrency },
    );
    worker.on('failed', (job, err) => this.log.warn({ queue, job: job?.id, err: err.message }, 'job failed'));
    worker.on('error', () => undefined);
    this.workers.push(worker);
  }
}
