import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HEALTH_REPOSITORY } from './health.repository';
import { HealthService } from './health.service';
import { PgHealthRepository } from './pg-health.repository';

@Module({ controllers: [HealthController], providers: [HealthService, { provide: HEALTH_REPOSITORY, useClass: PgHealthRepository }] })
export class HealthModule {}
