import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { JobConsumers } from '../../platform/jobs/job-consumers';
import { PeriodicWork } from '../../platform/jobs/periodic-work';
import { CaService } from '../ca.service';
import { CrlPublisher } from '../crl-publisher.service';

/** Binds the `publish-crl` job and the periodic check for due CRLs to the CRL publisher. */
@Injectable()
export class PublishCrlJob implements OnModuleInit {
  constructor(
    private readonly publisher: CrlPublisher,
    private readonly cas: CaService,
    private readonly jobs: JobConsumers,
    private readonly periodic: PeriodicWork,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.on('publish-crl', CrlPublisher.name, async ({ caId }, job) => {
      try {
        await this.publisher.publish(caId, job.id);
      } catch (e) {
        if ((e as { code?: string }).code?.startsWith('hsm.')) this.cas.reset();
        throw e;
      }
    });
    const every = Math.min(60_000, this.cfg.SCM_CRL_REPUBLISH_MINUTES * 60_000);
    this.periodic.every('publish-due-crls', every, CrlPublisher.name, async () => {
      await this.publisher.scheduleDue();
    });
  }
}
