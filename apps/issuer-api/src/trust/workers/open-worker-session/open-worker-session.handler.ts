import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { SessionService } from '../../auth/session.service';
import { WorkerError, WorkerErrorCode } from '../worker-errors';
import { challengeSignatureValid } from '../worker-rules';
import { WORKER_REPOSITORY, type WorkerRepository } from '../worker.repository';
import { OpenWorkerSessionCommand, type WorkerSession } from './open-worker-session.command';

@CommandHandler(OpenWorkerSessionCommand)
export class OpenWorkerSessionHandler implements ICommandHandler<OpenWorkerSessionCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sessions: SessionService,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
  ) {}

  execute(c: OpenWorkerSessionCommand): Promise<WorkerSession> {
    return this.uow.run(c.actor, async (tx) => {
      const w = await this.workers.get(c.workerId, tx);
      if (!w) return tx.refuse(new WorkerError(WorkerErrorCode.NotFound, `no worker ${c.workerId}`));
      // The worker is the actor of its own log-in, whoever the caller claims to be.
      const asWorker = { ...tx.actor, actor: `worker:${w.id}`, actorName: w.name };
      const fresh = await this.workers.takeChallenge(tx, Buffer.from(c.nonce, 'hex'), w.id);
      if (!fresh || !challengeSignatureValid(w, c.nonce, c.signature)) {
        tx.audit(
          {
            action: 'worker.login',
            targetType: 'worker',
            targetId: w.id,
            outcome: 'denied',
            details: { reason: 'bad-signature-or-challenge' },
          },
          asWorker,
        );
        return tx.refuse(
          new WorkerError(WorkerErrorCode.BadSignature, 'the challenge signature does not verify (or the challenge expired)'),
        );
      }
      if (w.status === 'pending') {
        return tx.refuse(
          new WorkerError(WorkerErrorCode.NotApproved, `worker ${w.id} awaits approval of fingerprint ${w.fingerprint}`, {
            fingerprint: w.fingerprint,
          }),
        );
      }
      if (w.status === 'suspended') {
        return tx.refuse(
          new WorkerError(
            WorkerErrorCode.NotApproved,
            `worker ${w.id} is suspended (${w.suspendedReason ?? 'no reason'}); an officer approves it again`,
            {
              fingerprint: w.fingerprint,
              suspended: true,
            },
          ),
        );
      }
      if (w.status === 'revoked') return tx.refuse(new WorkerError(WorkerErrorCode.Revoked, `worker ${w.id} has been revoked`));
      const s = await this.sessions.create(tx, 'worker', w.id, { address: c.actor.address });
      await this.workers.touch(tx, w.id);
      tx.audit(
        { action: 'worker.login', targetType: 'worker', targetId: w.id, outcome: 'success', details: { sessionId: s.sessionId } },
        asWorker,
      );
      return { token: s.token, expiresAt: s.expiresAt.toISOString(), workstation: w.workstation };
    });
  }
}
