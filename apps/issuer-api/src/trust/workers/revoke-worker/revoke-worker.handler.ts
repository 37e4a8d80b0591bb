import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { WorkerChannel, type WorkerConnections } from '../worker-channel';
import { WorkerDecisionService } from '../worker-decision.service';
import { WorkerError, WorkerErrorCode } from '../worker-errors';
import type { WorkerView } from '../worker-view';
import { WORKER_REPOSITORY, type WorkerRepository } from '../worker.repository';
import { RevokeWorkerCommand } from './revoke-worker.command';

@CommandHandler(RevokeWorkerCommand)
export class RevokeWorkerHandler implements ICommandHandler<RevokeWorkerCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly decisions: WorkerDecisionService,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    @Inject(WorkerChannel) private readonly channel: WorkerConnections,
  ) {}

  async execute(c: RevokeWorkerCommand): Promise<WorkerView> {
    const view = await this.uow.run(c.actor, async (tx) => {
      const w = await this.workers.lock(tx, c.workerId);
      if (!w) return tx.refuse(new WorkerError(WorkerErrorCode.NotFound, `no worker ${c.workerId}`));
      return this.decisions.record(tx, w, 'revoked', c.officerId);
    });
    // Only once the revocation committed: the channel's re-check would otherwise find the session still live.
    this.channel.disconnect(c.workerId, 'revoked');
    return view;
  }
}
