import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CardRefusalOutcome, isStepName } from '@scm/personalisation';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { AttemptOutcomesService } from '../../attempts/attempt-outcomes.service';
import { claimantDenial, MAX_REFUSED_ATTEMPTS, refusalVerdict } from '../../attempts/attempt-rules';
import { AttemptsService, stepRef } from '../../attempts/attempts.service';
import { PERSONALISATION_REPOSITORY, type PersonalisationRepository } from '../../attempts/personalisation.repository';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { RefuseAttemptCommand } from './refuse-attempt.command';

const ACTION = 'personalisation.card-refused';

/**
 * A step the card refused. The step is logged failed with its status word and the refusal counted
 * on the attempt; then either the request waits for that card again (the worker resumes it at once)
 * or, when the card refused the same step with the same status word on its previous refused attempt
 * or has refused MAX_REFUSED_ATTEMPTS attempts, the request ends failed-card naming the step and the
 * status word, and nothing tries the card again until an officer spoils or retries it.
 */
@CommandHandler(RefuseAttemptCommand)
export class RefuseAttemptHandler implements ICommandHandler<RefuseAttemptCommand, CardRefusalOutcome> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly attempts: AttemptsService,
    private readonly outcomes: AttemptOutcomesService,
    @Inject(PERSONALISATION_REPOSITORY) private readonly log: PersonalisationRepository,
  ) {}

  execute(c: RefuseAttemptCommand): Promise<CardRefusalOutcome> {
    return this.uow.run(c.actor, async (tx) => {
      const claimed = await this.attempts.claimed(tx, c.requestId, c.workerId);
      if (claimed instanceof PersonalisationError) return tx.deny(claimed, claimantDenial(ACTION, c.requestId, c.workerId, claimed));
      const { step, sw, reason } = c.refusal;
      if (!isStepName(step)) {
        const e = new PersonalisationError(PersonalisationErrorCode.Invalid, `"${step.slice(0, 40)}" is not a step of an attempt`);
        return tx.deny(e, claimantDenial(ACTION, c.requestId, c.workerId, e));
      }
      const { request, attempt, card } = claimed;
      const v = refusalVerdict(attempt, { step, sw });
      await this.attempts.recordStep(tx, stepRef(claimed, c.workerId), step, 'failed', {
        sw: sw ?? 'none',
        reason: reason.slice(0, 200),
        refusals: v.refusals,
      });
      await this.log.update(tx, request.id, { refusals: v.refusals, refusedStep: step, refusedSw: sw });
      const facts = {
        cardId: card.id,
        serial: card.serial,
        workerId: c.workerId,
        attempt: attempt.attempt,
        step,
        sw,
        refusals: v.refusals,
      };
      tx.audit({
        action: ACTION,
        targetType: 'issuance-request',
        targetId: request.id,
        outcome: 'failure',
        details: { ...facts, final: v.final, reason: reason.slice(0, 200) },
      });
      const what = `card ${card.serial} refused step ${step} with ${sw ? `SW=${sw}` : 'a malformed answer'}`;
      if (v.final) {
        const why = v.repeated ? 'on consecutive attempts' : `on ${v.refusals} of at most ${MAX_REFUSED_ATTEMPTS} attempts`;
        const failure = `${what} ${why} (${reason}); an officer spoils the card or retries it`;
        const r = await this.outcomes.failCard(tx, request, failure, facts);
        return { state: r.state, final: true, refusals: v.refusals, step, sw };
      }
      const r = await this.outcomes.interrupt(tx, request, `${what}; trying again`, card.serial);
      return { state: r.state, final: false, refusals: v.refusals, step, sw };
    });
  }
}
