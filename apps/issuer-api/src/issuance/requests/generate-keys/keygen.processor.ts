import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { checkJobHandlers, QUEUES } from '@scm/queue';
import { type Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { CaService } from '../../../pki/ca.service';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { LOGGER } from '../../../platform/infra/tokens';
import { bullConnection } from '../../../platform/outbox/bullmq-connection';
import { issuanceRequests, keygenSeconds } from '../issuance.metrics';
import { GenerateKeysService, isPermanent } from './generate-keys.service';

/**
 * The keygen queue's consumer in the API process (SCM_KEYGEN_CONCURRENCY jobs at once; 0 leaves
 * the queue to another process). A job that fails for a reason a retry cannot fix, or on its last
 * attempt, ends its request in `failed`; others are retried by BullMQ with backoff.
 */
@Injectable()
export class KeygenProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker: Worker | undefined;
  private conn: ReturnType<typeof bullConnection> | undefined;

  constructor(
    private readonly keygen: GenerateKeysService,
    private readonly cas: CaService,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    checkJobHandlers([QUEUES.keygen], [{ job: 'generate-keys', owner: KeygenProcessor.name }]);
    if (this.cfg.SCM_KEYGEN_CONCURRENCY === 0) return;
    this.conn = bullConnection(this.cfg.SCM_REDIS_URL, 'scm-keygen');
    this.worker = new Worker(QUEUES.keygen, (job) => this.process(job), {
      connection: this.conn,
      prefix: this.cfg.SCM_REDIS_PREFIX,
      concurrency: this.cfg.SCM_KEYGEN_CONCURRENCY,
    });
    this.worker.on('failed', (job, err) => this.log.warn({ job: job?.id, err: err.message }, 'key generation failed; retrying'));
    this.worker.on('error', () => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    this.conn?.disconnect();
  }

  private async process(job: Job): Promise<void> {
    if (job.name !== 'generate-keys') throw new Error(`the keygen queue has no job "${job.name}"`);
    const { requestId } = job.data as { requestId: string };
    const stop = keygenSeconds.startTimer();
    try {
      const outcome = await this.keygen.run(requestId, job.id!);
      stop({ outcome });
      this.log.debug({ requestId, outcome }, 'key generation step done');
    } catch (e) {
      stop({ outcome: 'error' });
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (isPermanent(e) || last) {
        this.log.error({ requestId, err: (e as Error).message }, 'key generation failed for good');
        await this.keygen.fail(requestId, job.id!, `key generation failed: ${(e as Error).message}`);
        issuanceRequests.inc({ event: 'failed' });
        return;
      }
      if ((e as { code?: string }).code?.startsWith('hsm.')) this.cas.reset();
      throw e;
    }
  }
}
