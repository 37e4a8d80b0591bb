import { randomBytes, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { enrollmentTokenHash } from '../worker-rules';
import { WORKER_REPOSITORY, type WorkerRepository } from '../worker.repository';
import { CreateEnrollmentTokenCommand } from './create-enrollment-token.command';

@CommandHandler(CreateEnrollmentTokenCommand)
export class CreateEnrollmentTokenHandler implements ICommandHandler<CreateEnrollmentTokenCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
  ) {}

  execute(c: CreateEnrollmentTokenCommand): Promise<{ token: string; expiresAt: string }> {
    return this.uow.run(c.actor, async (tx) => {
      const token = randomBytes(24).toString('base64url');
      const expiresAt = new Date(tx.now.getTime() + c.ttlHours * 3600_000);
      const id = randomUUID();
      await this.workers.insertEnrollmentToken(tx, {
        id,
        tokenHash: enrollmentTokenHash(token),
        workstation: c.workstation,
        createdBy: c.actor.actor,
        createdAt: tx.now,
        expiresAt,
        usedAt: null,
        workerId: null,
      });
      tx.audit({
        action: 'worker.enrollment-token-created',
        targetType: 'enrollment-token',
        targetId: id,
        outcome: 'success',
        details: { workstation: c.workstation, expiresAt: expiresAt.toISOString() },
      });
      return { token, expiresAt: expiresAt.toISOString() };
    });
  }
}
