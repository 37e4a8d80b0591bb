import { type BeforeApplicationShutdown, Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { BACKGROUND_WORK } from '../../platform/infra/tokens';
import { PeriodicWork } from '../../platform/jobs/periodic-work';
import { AuditService } from './audit.service';

/**
 * Signs a checkpoint of the chain head every SCM_CHECKPOINT_SECONDS (once per period across
 * replicas), and once more when the API stops, so what it recorded last is covered.
 */
@Injectable()
export class AuditCheckpointSchedule implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    private readonly audit: AuditService,
    private readonly periodic: PeriodicWork,
    @Inject(API_CONFIG) private readonly cfg: Pick<ApiConfig, 'SCM_CHECKPOINT_SECONDS'>,
    @Inject(BACKGROUND_WORK) private readonly background: boolean,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    // A one-shot host command signs only when asked (bin/scm audit checkpoint).
    if (!this.background) return;
    await this.audit.checkpoint().catch(() => undefined);
  }

  onModuleInit(): void {
    this.periodic.every('write-audit-checkpoint', this.cfg.SCM_CHECKPOINT_SECONDS * 1000, AuditService.name, async () => {
      await this.audit.checkpoint();
    });
  }
}
