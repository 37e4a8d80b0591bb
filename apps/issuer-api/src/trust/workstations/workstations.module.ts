import { Module } from '@nestjs/common';
import { WorkersModule } from '../workers/workers.module';
import { ListWorkstationsController } from './list-workstations/list-workstations.controller';
import { ListWorkstationsHandler } from './list-workstations/list-workstations.handler';
import { PgWorkstationRepository } from './pg-workstation.repository';
import { ReportHeartbeatHandler } from './report-heartbeat/report-heartbeat.handler';
import { WORKSTATION_REPOSITORY } from './workstation.repository';

/** Workstations and their readers, as their card workers report them over the channel. */
@Module({
  imports: [WorkersModule],
  controllers: [ListWorkstationsController],
  providers: [{ provide: WORKSTATION_REPOSITORY, useClass: PgWorkstationRepository }, ReportHeartbeatHandler, ListWorkstationsHandler],
  exports: [WORKSTATION_REPOSITORY],
})
export class WorkstationsModule {}
