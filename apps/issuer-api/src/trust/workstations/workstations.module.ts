import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WorkstationEntity } from '@scm/db';
import { ListWorkstationsHandler } from './list-workstations/list-workstations.handler';
import { ReportHeartbeatHandler } from './report-heartbeat/report-heartbeat.handler';
import { WorkstationsController } from './workstations.controller';

@Module({
  imports: [CqrsModule, TypeOrmModule.forFeature([WorkstationEntity])],
  controllers: [WorkstationsController],
  providers: [ReportHeartbeatHandler, ListWorkstationsHandler],
})
export class WorkstationsModule {}
