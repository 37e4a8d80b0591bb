import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { checkJobHandlers, type JobName, QUEUES } from '@scm/queue';
import { type Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { LOGGER } from '../infra/tokens';
import { bullConnection } from './bullmq-connection';
import { OutboxService } from './outbox.service';

type Handler = (job: Job) => Promise<void>;

/** The API's own consumer of the maintenance queue (CRL publication, housekeeping). */
@Injectable()
export class MaintenanceProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker: Worker | undefined;
  private conn: ReturnType<typeof bullConnection> | undefined;
  private readonly handlers = new Map<JobName, { owner: string; fn: Handler }>();

  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly outbox: OutboxService,
  ) {
    // A job with nothing to do but to be done: lets operators and tests probe the pipeline.
    this.handle('noop', 'MaintenanceProcessor', async () => undefined);
  }

  /** Modules register the maintenance jobs they own before the application starts. */
  handle(job: JobName, owner: string, fn: Handler): void {
    if (this.handlers.has(job))
      throw new Error(`job "${job}" already has a handler (${this.handlers.get(job)!.owner}); ${owner} cannot add another`);
    this.handlers.set(job, { owner, fn });
  }

  onApplicationBootstrap(): void {
    checkJobHandlers(
      [QUEUES.maintenance],
      [...this.handlers].map(([job, h]) => ({ job, owner: h.owner })),
    );
    this.worker = new Worker(
      QUEUES.maintenance,
      async (job) => {
        const h = this.handlers.get(job.name as JobName);
        if (!h) throw new Error(`no handler for ${job.name}`);
        await h.fn(job);
        await this.outbox.markDone(job.id!);
      },
      {
        connection: (this.conn = bullConnection(this.cfg.SCM_REDIS_URL, 'scm-maintenance')),
        prefix: this.cfg.SCM_REDIS_PREFIX,
        concurrency: 2,
      },
    );
    this.worker.on('failed', (job, err) => this.log.warn({ job: job?.id, err: err.message }, 'maintenance job failed'));
    this.worker.on('error', () => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    this.conn?.disconnect();
  }
}
