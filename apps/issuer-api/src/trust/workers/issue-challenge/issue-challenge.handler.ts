import { randomBytes } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { WorkerError, WorkerErrorCode } from '../worker-errors';
import { CHALLENGE_TTL_MS } from '../worker-rules';
import { WORKER_REPOSITORY, type WorkerRepository } from '../worker.repository';
import { IssueChallengeCommand } from './issue-challenge.command';

@CommandHandler(IssueChallengeCommand)
export class IssueChallengeHandler implements ICommandHandler<IssueChallengeCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
  ) {}

  execute(c: IssueChallengeCommand): Promise<{ nonce: string }> {
    return this.uow.run(c.actor, async (tx) => {
      if (!(await this.workers.get(c.workerId, tx))) return tx.refuse(new WorkerError(WorkerErrorCode.NotFound, `no worker ${c.workerId}`));
      const nonce = randomBytes(32);
      await this.workers.purgeExpiredChallenges(tx);
      await this.workers.insertChallenge(tx, { nonce, workerId: c.workerId, expiresAt: new Date(tx.now.getTime() + CHALLENGE_TTL_MS) });
      return { nonce: nonce.toString('hex') };
    });
  }
}
