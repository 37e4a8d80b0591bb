import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { WorkstationEntity } from '@scm/db';
import type { Repository } from 'typeorm';
import type { Clock } from '../../../platform/infra/clock.port';
import { CLOCK } from '../../../platform/infra/tokens';
import { ReportHeartbeatCommand } from './report-heartbeat.command';

@CommandHandler(ReportHeartbeatCommand)
export class ReportHeartbeatHandler implements ICommandHandler<ReportHeartbeatCommand, void> {
  constructor(
    @InjectRepository(WorkstationEntity) private readonly repo: Repository<WorkstationEntity>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(c: ReportHeartbeatCommand): Promise<void> {
    const now = this.clock.now();
    await this.repo.upsert({ id: c.workstation, host: c.host, readers: c.readers, lastSeen: now }, ['id']);
    await this.repo.manager.query(`UPDATE card_worker SET last_seen_at = $2 WHERE id = $1`, [c.workerId, now]);
  }
}
