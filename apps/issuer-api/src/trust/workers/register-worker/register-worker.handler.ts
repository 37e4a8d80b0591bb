import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { workerFingerprint } from '@scm/common';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { WorkerError, WorkerErrorCode } from '../worker-errors';
import { enrollmentTokenHash, enrollmentTokenProblem, publicKeyDer } from '../worker-rules';
import { type WorkerView, toWorkerView } from '../worker-view';
import { type CardWorker, WORKER_REPOSITORY, type WorkerRepository } from '../worker.repository';
import { RegisterWorkerCommand } from './register-worker.command';

@CommandHandler(RegisterWorkerCommand)
export class RegisterWorkerHandler implements ICommandHandler<RegisterWorkerCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
  ) {}

  execute(c: RegisterWorkerCommand): Promise<WorkerView> {
    const r = c.registration;
    return this.uow.run(c.actor, async (tx) => {
      const signKey = publicKeyDer(r.signPublicKey, 'ed25519');
      const kexKey = publicKeyDer(r.kexPublicKey, 'x25519');
      const t = await this.workers.lockEnrollmentToken(tx, enrollmentTokenHash(r.enrollmentToken));
      const problem = enrollmentTokenProblem(t, tx.now);
      if (problem || !t) {
        tx.audit({
          action: 'worker.registered',
          targetType: 'worker',
          targetId: null,
          outcome: 'denied',
          details: { name: r.name, host: r.host, reason: problem },
        });
        return tx.refuse(
          new WorkerError(
            WorkerErrorCode.BadEnrollmentToken,
            'the enrolment token is unknown, used or expired; ask an officer for a new one (bin/scm worker enroll-token)',
          ),
        );
      }
      if (t.workstation !== null && t.workstation !== r.workstation) {
        return tx.refuse(
          new WorkerError(WorkerErrorCode.WrongWorkstation, `this token enrols workstation ${t.workstation}, not ${r.workstation}`),
        );
      }
      const w: CardWorker = {
        id: randomUUID(),
        name: r.name,
        host: r.host,
        workstation: r.workstation,
        signKey,
        kexKey,
        fingerprint: workerFingerprint(signKey, kexKey),
        status: 'pending',
        suspendedReason: null,
        registeredAt: tx.now,
        decidedBy: null,
        decidedAt: null,
        lastSeenAt: null,
      };
      await this.workers.insert(tx, w);
      await this.workers.useEnrollmentToken(tx, t.id, w.id);
      tx.audit(
        {
          action: 'worker.registered',
          targetType: 'worker',
          targetId: w.id,
          outcome: 'success',
          details: { name: r.name, host: r.host, workstation: r.workstation, fingerprint: w.fingerprint },
        },
        { ...tx.actor, actor: `worker:${w.id}`, actorName: r.name },
      );
      return toWorkerView(w);
    });
  }
}
