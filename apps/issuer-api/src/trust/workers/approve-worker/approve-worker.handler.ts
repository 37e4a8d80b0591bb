import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { API_CONFIG } from '../../../platform/config/api-config';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { dutiesSeparated, type DutySettings } from '../../separation-of-duties';
import { WorkerDecisionService } from '../worker-decision.service';
import { WorkerError, WorkerErrorCode } from '../worker-errors';
import { fingerprintMatches } from '../worker-rules';
import type { WorkerView } from '../worker-view';
import { WORKER_REPOSITORY, type WorkerRepository } from '../worker.repository';
import { ApproveWorkerCommand } from './approve-worker.command';

@CommandHandler(ApproveWorkerCommand)
export class ApproveWorkerHandler implements ICommandHandler<ApproveWorkerCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly decisions: WorkerDecisionService,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    @Inject(API_CONFIG) private readonly cfg: DutySettings,
  ) {}

  execute(c: ApproveWorkerCommand): Promise<WorkerView> {
    return this.uow.run(c.actor, async (tx) => {
      const w = await this.workers.lock(tx, c.workerId);
      if (!w) return tx.refuse(new WorkerError(WorkerErrorCode.NotFound, `no worker ${c.workerId}`));
      if (w.status === 'revoked') {
        return tx.refuse(new WorkerError(WorkerErrorCode.Revoked, 'a revoked worker stays revoked; enrol it again with a new token'));
      }
      if (!fingerprintMatches(w, c.fingerprint)) {
        tx.audit({
          action: 'worker.approved',
          targetType: 'worker',
          targetId: w.id,
          outcome: 'denied',
          details: { reason: 'fingerprint-mismatch' },
        });
        return tx.refuse(
          new WorkerError(
            WorkerErrorCode.FingerprintMismatch,
            'the fingerprint does not match the one the worker registered; compare it with the worker console',
          ),
        );
      }
      // Separation of duties: whoever made the enrolment token does not also vouch for the machine that used it.
      const token = dutiesSeparated(this.cfg) ? await this.workers.enrollmentTokenOf(w.id, tx) : undefined;
      if (token?.createdBy === c.actor.actor) {
        return tx.deny(
          new WorkerError(
            WorkerErrorCode.ApproverMadeToken,
            "you made this worker's enrolment token, so another officer approves the worker (separation of duties)",
          ),
          { action: 'worker.approved', targetType: 'worker', targetId: w.id, details: { reason: 'approver-made-token' } },
        );
      }
      return this.decisions.record(tx, w, 'approved', c.officerId);
    });
  }
}
