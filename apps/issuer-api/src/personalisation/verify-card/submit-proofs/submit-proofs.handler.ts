import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CardError } from '../../../issuance/cards/card-errors';
import { CardLifecycleService } from '../../../issuance/cards/card-lifecycle.service';
import { IssuanceError } from '../../../issuance/requests/issuance-errors';
import { RequestStateMachine } from '../../../issuance/requests/request-state-machine';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { AttemptOutcomesService } from '../../attempts/attempt-outcomes.service';
import { claimantDenial } from '../../attempts/attempt-rules';
import { AttemptsService, stepRef } from '../../attempts/attempts.service';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { VerificationService } from '../verification.service';
import { type ProvedCard, SubmitProofsCommand } from './submit-proofs.command';

/**
 * Every key on the card proves itself against its slot's certificate (which must chain to the
 * issuing CA); then request and card become issued and the card job is done. A failed proof fails
 * the request (its card spoiled, its certificates revoked).
 */
@CommandHandler(SubmitProofsCommand)
export class SubmitProofsHandler implements ICommandHandler<SubmitProofsCommand, ProvedCard> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    private readonly lifecycle: CardLifecycleService,
    private readonly attempts: AttemptsService,
    private readonly outcomes: AttemptOutcomesService,
    private readonly verification: VerificationService,
  ) {}

  execute(c: SubmitProofsCommand): Promise<ProvedCard> {
    return this.uow.run(c.actor, async (tx) => {
      const claimed = await this.attempts.claimed(tx, c.requestId, c.workerId, ['verifying']);
      if (claimed instanceof PersonalisationError)
        return tx.deny(claimed, claimantDenial('personalisation.proofs', c.requestId, c.workerId, claimed));
      const nonce = claimed.attempt.proofNonce;
      if (!nonce) return tx.refuse(new PersonalisationError(PersonalisationErrorCode.NotReady, 'begin the verification first'));
      const { request, card, attempt } = claimed;
      const ref = stepRef(claimed, c.workerId);
      const { problems, slots } = await this.verification.check(tx, claimed, nonce, c.proofs);
      if (problems.length) {
        const reason = `verification failed: ${problems.join('; ')}`;
        await this.attempts.recordStep(tx, ref, 'issued', 'failed', { reason: reason.slice(0, 200) });
        await this.outcomes.fail(tx, request, reason, { cardId: card.id });
        return tx.refuse(new PersonalisationError(PersonalisationErrorCode.ProofFailed, reason, { problems }));
      }
      const r = await this.states.transition(tx, request, 'issued', {
        details: { cardId: card.id, serial: card.serial, workerId: c.workerId, attempt: attempt.attempt, proved: slots },
      });
      if (r instanceof IssuanceError) throw r;
      const issued = await this.lifecycle.transition(tx, card.id, 'issued', { requestId: request.id, serial: card.serial });
      if (issued instanceof CardError) throw issued;
      await this.verification.close(tx, request.id);
      await this.attempts.recordStep(tx, ref, 'issued', 'done');
      return { state: 'issued' as const, cardId: card.id, serial: card.serial ?? '' };
    });
  }
}
