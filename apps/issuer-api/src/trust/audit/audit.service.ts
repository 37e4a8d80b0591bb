import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ChainVerifier, type Checkpoint, readChain, readCheckpoints, signCheckpoint, type VerifyReport } from '@scm/audit';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import type { Clock } from '../../platform/infra/clock.port';
import type { HsmHandle } from '../../platform/infra/infra.module';
import { CLOCK, HSM, LOGGER } from '../../platform/infra/tokens';
import { PeriodicWork } from '../../platform/jobs/periodic-work';
import { HsmCheckpointSigner } from './hsm-checkpoint-signer';

/** Signs the chain head on a schedule and verifies the chain on demand. */
@Injectable()
export class AuditService implements OnModuleInit, OnModuleDestroy {
  readonly signer: HsmCheckpointSigner;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(HSM) hsm: HsmHandle,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly periodic: PeriodicWork,
  ) {
    this.signer = new HsmCheckpointSigner(hsm);
  }

  onModuleInit(): void {
    this.periodic.every('write-audit-checkpoint', this.cfg.SCM_CHECKPOINT_SECONDS * 1000, AuditService.name, async () => {
      await this.checkpoint();
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.running.catch(() => undefined);
  }

  /** Signs the head now unless the latest checkpoint covers it (or always with force). */
  checkpoint(force = false): Promise<Checkpoint | null> {
    const p = this.running.then(() =>
      signCheckpoint(this.ds, this.signer, this.clock.now(), force).catch((e: unknown) => {
        this.log.warn({ err: (e as Error).message }, 'audit checkpoint not signed');
        throw e;
      }),
    );
    this.running = p.catch(() => undefined);
    return p;
  }

  /** Walks the whole chain against the signed checkpoints, trusting only the HSM's checkpoint key. */
  async verify(): Promise<VerifyReport> {
    const trusted = [await this.signer.publicKey()];
    const v = new ChainVerifier(await readCheckpoints(this.ds));
    for await (const r of readChain(this.ds)) v.push(r);
    return v.finish(trusted);
  }
}
