import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { PeriodicWork } from '../../platform/jobs/periodic-work';
import { AuditService } from './audit.service';

/** Signs a checkpoint of the chain head every SCM_CHECKPOINT_SECONDS (once per period across replicas). */
@Injectable()
export class AuditCheckpointSchedule implements OnModuleInit {
  constructor(
    private readonly audit: AuditService,
    private readonly periodic: PeriodicWork,
    @Inject(API_CONFIG) private readonly cfg: Pick<ApiConfig, 'SCM_CHECKPOINT_SECONDS'>,
  ) {}

  onModuleInit(): void {
    this.periodic.every('write-audit-checkpoint', this.cfg.SCM_CHECKPOINT_SECONDS * 1000, AuditService.name, async () => {
      await this.audit.checkpoint();
    });
  }
}
