import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { AttemptOutcomesService } from '../../attempts/attempt-outcomes.service';
import { claimantDenial } from '../../attempts/attempt-rules';
import { AttemptsService } from '../../attempts/attempts.service';
import { PersonalisationError } from '../../personalisation-errors';
import { FailAttemptCommand } from './fail-attempt.command';

/** A failed attempt ends the request with the worker's reason; its card is spoiled and its certificates revoked. */
@CommandHandler(FailAttemptCommand)
export class FailAttemptHandler implements ICommandHandler<FailAttemptCommand, { state: string }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly attempts: AttemptsService,
    private readonly outcomes: AttemptOutcomesService,
  ) {}

  execute(c: FailAttemptCommand): Promise<{ state: string }> {
    return this.uow.run(c.actor, async (tx) => {
      const claimed = await this.attempts.claimed(tx, c.requestId, c.workerId);
      if (claimed instanceof PersonalisationError)
        return tx.deny(claimed, claimantDenial('personalisation.failed', c.requestId, c.workerId, claimed));
      const r = await this.outcomes.fail(tx, claimed.request, `personalisation failed: ${c.reason}`, {
        cardId: claimed.card.id,
        serial: claimed.card.serial,
        workerId: c.workerId,
      });
      return { state: r.state };
    });
  }
}
