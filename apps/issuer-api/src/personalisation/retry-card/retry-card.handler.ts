import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { IssuanceError, IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import { RequestStateMachine } from '../../issuance/requests/request-state-machine';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { PERSONALISATION_REPOSITORY, type PersonalisationRepository } from '../attempts/personalisation.repository';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import { RetryCardCommand, type RetriedView } from './retry-card.command';

const ACTION = 'personalisation.retry';

/**
 * The officer's other answer to a failed-card request (the first is spoiling its card): the
 * request waits for the same card again, its count of refusals starts afresh (at most three more
 * refused attempts, two alike end it again), and it is leased again when its card is back in a reader. Audited, with what the
 * card had refused.
 */
@CommandHandler(RetryCardCommand)
export class RetryCardHandler implements ICommandHandler<RetryCardCommand, RetriedView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(PERSONALISATION_REPOSITORY) private readonly attempts: PersonalisationRepository,
  ) {}

  execute(c: RetryCardCommand): Promise<RetriedView> {
    return this.uow.run(c.actor, async (tx) => {
      const deny = (e: PersonalisationError | IssuanceError) =>
        tx.deny(e, { action: ACTION, targetType: 'issuance-request', targetId: c.requestId, details: { reason: e.code } });
      const request = await this.states.lock(tx, c.requestId);
      if (!request) return deny(new PersonalisationError(PersonalisationErrorCode.NotFound, `no issuance request ${c.requestId}`));
      if (request.state !== 'failed-card') {
        return deny(
          new IssuanceError(
            IssuanceErrorCode.IllegalTransition,
            `request ${request.id} is ${request.state}; only a failed-card request is retried`,
            {
              requestId: request.id,
              state: request.state,
            },
          ),
        );
      }
      const card = request.cardId ? await this.cards.get(request.cardId, tx) : undefined;
      const attempt = await this.attempts.lock(tx, request.id);
      const refused = { step: attempt?.refusedStep ?? null, sw: attempt?.refusedSw ?? null, refusals: attempt?.refusals ?? 0 };
      const moved = await this.states.transition(tx, request, 'awaiting-card', {
        details: { reason: c.reason.slice(0, 200), retry: true, waitsFor: card?.serial ?? null },
      });
      if (moved instanceof IssuanceError) return tx.refuse(moved);
      if (attempt) await this.attempts.update(tx, request.id, { refusals: 0, refusedStep: null, refusedSw: null });
      tx.audit({
        action: ACTION,
        targetType: 'issuance-request',
        targetId: request.id,
        outcome: 'success',
        details: { reason: c.reason.slice(0, 200), serial: card?.serial ?? null, cardId: card?.id ?? null, refused },
      });
      // Waiting for its card again, the request is leased to its worker when the card is back in a reader.
      return { id: request.id, state: moved.state, serial: card?.serial ?? null, refused, job: 'waiting' } satisfies RetriedView;
    });
  }
}
