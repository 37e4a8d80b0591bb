import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../workers/worker.repository';
import { WORKSTATION_REPOSITORY, type WorkstationRepository } from '../workstation.repository';
import { ReportHeartbeatCommand } from './report-heartbeat.command';

/** Keeps the workstation's reader state and the worker's last-seen time; heartbeats are not audited. */
@CommandHandler(ReportHeartbeatCommand)
export class ReportHeartbeatHandler implements ICommandHandler<ReportHeartbeatCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(WORKSTATION_REPOSITORY) private readonly workstations: WorkstationRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
  ) {}

  execute(c: ReportHeartbeatCommand): Promise<void> {
    const actor = { actor: `worker:${c.workerId}`, actorName: null, role: 'card-worker', requestId: null };
    return this.uow.run(actor, async (tx) => {
      await this.workstations.save(tx, { id: c.workstation, host: c.host, readers: c.readers, lastSeen: tx.now });
      await this.workers.touch(tx, c.workerId);
    });
  }
}
