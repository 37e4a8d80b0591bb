import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IssuanceError } from '../../../issuance/requests/issuance-errors';
import { RequestStateMachine } from '../../../issuance/requests/request-state-machine';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { claimantDenial } from '../../attempts/attempt-rules';
import { AttemptsService } from '../../attempts/attempts.service';
import { PersonalisationError } from '../../personalisation-errors';
import { VerificationService } from '../verification.service';
import { BeginVerificationCommand, type VerificationChallenge } from './begin-verification.command';

/** The last stage of an attempt begins: the request moves to verifying and the card gets a fresh challenge. */
@CommandHandler(BeginVerificationCommand)
export class BeginVerificationHandler implements ICommandHandler<BeginVerificationCommand, VerificationChallenge> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    private readonly attempts: AttemptsService,
    private readonly verification: VerificationService,
  ) {}

  execute(c: BeginVerificationCommand): Promise<VerificationChallenge> {
    return this.uow.run(c.actor, async (tx) => {
      const claimed = await this.attempts.claimed(tx, c.requestId, c.workerId);
      if (claimed instanceof PersonalisationError)
        return tx.deny(claimed, claimantDenial('personalisation.verification', c.requestId, c.workerId, claimed));
      if (claimed.request.state === 'personalising') {
        const r = await this.states.transition(tx, claimed.request, 'verifying', {
          details: { cardId: claimed.card.id, serial: claimed.card.serial, attempt: claimed.attempt.attempt },
        });
        if (r instanceof IssuanceError) throw r;
        claimed.request = r;
      }
      const challenge = await this.verification.challenge(tx, claimed);
      // The request stays verifying: the worker asks again once every certificate is there.
      if (challenge instanceof PersonalisationError) return tx.refuse(challenge);
      return challenge;
    });
  }
}
