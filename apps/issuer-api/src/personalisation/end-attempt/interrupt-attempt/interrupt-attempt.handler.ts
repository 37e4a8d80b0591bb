import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { AttemptOutcomesService } from '../../attempts/attempt-outcomes.service';
import { claimantDenial } from '../../attempts/attempt-rules';
import { AttemptsService, stepRef } from '../../attempts/attempts.service';
import { PersonalisationError } from '../../personalisation-errors';
import { InterruptAttemptCommand } from './interrupt-attempt.command';

/** A step name safe to log again as the one that failed. */
const STEP_NAME = /^[a-z:0-9-]+$/;

/** An interrupted attempt leaves the request waiting for that same card; the step it was on is logged as failed. */
@CommandHandler(InterruptAttemptCommand)
export class InterruptAttemptHandler implements ICommandHandler<InterruptAttemptCommand, { state: string; waitsFor: string | null }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly attempts: AttemptsService,
    private readonly outcomes: AttemptOutcomesService,
  ) {}

  execute(c: InterruptAttemptCommand): Promise<{ state: string; waitsFor: string | null }> {
    return this.uow.run(c.actor, async (tx) => {
      const claimed = await this.attempts.claimed(tx, c.requestId, c.workerId);
      if (claimed instanceof PersonalisationError)
        return tx.deny(claimed, claimantDenial('personalisation.interrupted', c.requestId, c.workerId, claimed));
      const r = await this.outcomes.interrupt(tx, claimed.request, c.reason, claimed.card.serial);
      const last = claimed.attempt.lastStep;
      await this.attempts.recordStep(tx, stepRef(claimed, c.workerId), last && STEP_NAME.test(last) ? last : 'claim', 'failed', {
        reason: c.reason.slice(0, 200),
        interrupted: true,
      });
      return { state: r.state, waitsFor: claimed.card.serial };
    });
  }
}
