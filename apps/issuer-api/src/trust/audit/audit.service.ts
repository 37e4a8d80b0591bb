import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type Checkpoint, type CheckpointSigner, type VerifyReport } from '@scm/audit';
import type { Logger } from 'pino';
import { ApiAuditSequencer } from '../../platform/infra/audit-sequencer.repository';
import type { Clock } from '../../platform/infra/clock.port';
import { CLOCK, LOGGER } from '../../platform/infra/tokens';
import { AUDIT_REPOSITORY, type AuditRepository } from './audit.repository';
import { CHECKPOINT_SIGNER } from './hsm-checkpoint-signer';

/** Signs checkpoints of the chain head and verifies the chain (used by the audit routes, reports and archive sealing). */
@Injectable()
export class AuditService implements OnModuleDestroy {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(AUDIT_REPOSITORY) private readonly audit: AuditRepository,
    /** The HSM's checkpoint key; archive sealing signs its checkpoint with it too. */
    @Inject(CHECKPOINT_SIGNER) readonly signer: CheckpointSigner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Pick<Logger, 'warn'>,
    @Inject(ApiAuditSequencer) private readonly sequencer: Pick<ApiAuditSequencer, 'settle'>,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.running.catch(() => undefined);
  }

  /**
   * Signs the head now unless the latest checkpoint covers it (or always with force). Signing is
   * serialised in this process, so the schedule and a request never sign the same head twice.
   * Events committed before the call are chained first, so the checkpoint covers them.
   */
  checkpoint(force = false): Promise<Checkpoint | null> {
    const p = this.running.then(async () => {
      await this.sequencer.settle().catch(() => undefined);
      return this.audit.signCheckpoint(this.signer, this.clock.now(), force).catch((e: unknown) => {
        this.log.warn({ err: (e as Error).message }, 'audit checkpoint not signed');
        throw e;
      });
    });
    this.running = p.catch(() => undefined);
    return p;
  }

  /** Walks the whole chain against the signed checkpoints, trusting only the HSM's checkpoint key. */
  async verify(): Promise<VerifyReport> {
    return this.audit.verify([await this.signer.publicKey()]);
  }
}
