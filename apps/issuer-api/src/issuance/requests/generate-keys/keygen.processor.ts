import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { JobContext } from '@scm/queue';
import type { Logger } from 'pino';
import { LOGGER } from '../../../platform/infra/tokens';
import { JobConsumers } from '../../../platform/jobs/job-consumers';
import { issuanceRequests, keygenSeconds } from '../issuance.metrics';
import { GenerateKeysService } from './generate-keys.service';
import { KEYGEN_AUTHORITY, type KeygenAuthority } from './keygen-authority.port';
import { isHsmError, isPermanent } from './keygen-retry';

/**
 * The keygen queue's job (SCM_KEYGEN_CONCURRENCY at once; 0 leaves the queue to another process).
 * A job that fails for a reason a retry cannot fix, or on its last attempt, ends its request in
 * `failed`; others are retried by BullMQ with backoff.
 */
@Injectable()
export class KeygenProcessor implements OnModuleInit {
  constructor(
    private readonly keygen: GenerateKeysService,
    @Inject(KEYGEN_AUTHORITY) private readonly authority: Pick<KeygenAuthority, 'reset'>,
    private readonly jobs: JobConsumers,
    @Inject(LOGGER) private readonly log: Pick<Logger, 'debug' | 'warn' | 'error'>,
  ) {}

  onModuleInit(): void {
    this.jobs.on('generate-keys', KeygenProcessor.name, ({ requestId }, ctx) => this.process(requestId, ctx));
  }

  private async process(requestId: string, job: JobContext): Promise<void> {
    const stop = keygenSeconds.startTimer();
    try {
      const outcome = await this.keygen.run(requestId, job.id);
      stop({ outcome });
      this.log.debug({ requestId, outcome }, 'key generation step done');
    } catch (e) {
      stop({ outcome: 'error' });
      const last = job.attemptsMade + 1 >= job.attempts;
      if (isPermanent(e) || last) {
        this.log.error({ requestId, err: (e as Error).message }, 'key generation failed for good');
        await this.keygen.fail(requestId, job.id, `key generation failed: ${(e as Error).message}`);
        issuanceRequests.inc({ event: 'failed' });
        return;
      }
      if (isHsmError(e)) this.authority.reset();
      this.log.warn({ requestId, err: (e as Error).message }, 'key generation failed; retrying');
      throw e;
    }
  }
}
