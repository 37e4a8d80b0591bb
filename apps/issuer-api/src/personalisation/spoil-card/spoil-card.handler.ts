import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CardError } from '../../issuance/cards/card-errors';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import { RequestStateMachine } from '../../issuance/requests/request-state-machine';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { AttemptOutcomesService } from '../attempts/attempt-outcomes.service';
import { PERSONALISATION_REPOSITORY, type PersonalisationRepository } from '../attempts/personalisation.repository';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import { CardReleaseService } from './card-release.service';
import { SpoilCardCommand, type SpoiledView } from './spoil-card.command';
import { attemptIdle, refusedBy, spoilRefusal, writtenTo } from './spoil-rules';

/**
 * The card never serves again, its request lets go of it, and the request's escrowed keys are
 * regenerated before another card can take it — all in one transaction; the request is then back
 * in the pool of card jobs the API leases to workers. A card still being written to is refused: pull it first, or wait
 * until the request shows it waiting for its card.
 */
@CommandHandler(SpoilCardCommand)
export class SpoilCardHandler implements ICommandHandler<SpoilCardCommand, SpoiledView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    private readonly lifecycle: CardLifecycleService,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(PERSONALISATION_REPOSITORY) private readonly attempts: PersonalisationRepository,
    private readonly outcomes: AttemptOutcomesService,
    private readonly release: CardReleaseService,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  async execute(c: SpoilCardCommand): Promise<SpoiledView> {
    const view = await this.uow.run(c.actor, async (tx) => {
      const deny = (e: PersonalisationError) =>
        tx.deny(e, {
          action: 'card.spoiled',
          targetType: 'card',
          targetId: c.serial.slice(0, 64),
          details: { serial: c.serial, reason: e.code },
        });
      const card = await this.cards.lockBySerial(tx, c.serial);
      const refused = spoilRefusal(c.serial, card);
      if (refused) return deny(refused);
      let request = card!.requestId ? await this.states.lock(tx, card!.requestId) : undefined;
      if (writtenTo(request, card!)) {
        if (!attemptIdle(await this.attempts.get(request.id, tx), tx.now, this.cfg.SCM_PERSONALISATION_STALL_SECONDS)) {
          return deny(
            new PersonalisationError(
              PersonalisationErrorCode.CardInUse,
              `card ${c.serial} is being personalised right now; pull it out first`,
              {
                serial: c.serial,
              },
            ),
          );
        }
        request = await this.outcomes.interrupt(tx, request, 'card spoiled by an officer', c.serial);
      } else if (refusedBy(request, card!)) {
        // The officer's decision on a card that kept refusing a step: the request takes another card.
        request = await this.outcomes.interrupt(tx, request, 'card spoiled by an officer after it refused a step', c.serial);
      }
      const changed = await this.lifecycle.transition(tx, card!.id, 'spoiled', {
        reason: c.reason.slice(0, 200),
        requestId: card!.requestId,
      });
      if (changed instanceof CardError) return tx.refuse(changed);
      const released = request && request.cardId === card!.id ? await this.release.release(tx, request, card!, c.serial) : undefined;
      return {
        cardId: card!.id,
        serial: c.serial,
        requestId: request?.id ?? null,
        vscVersion: released?.vscVersion ?? null,
        revokedCertificates: released?.revoked ?? [],
        // Card jobs live in PostgreSQL: a request that lets go of its card is back in the pool of leases.
        job: released ? 'waiting' : 'unchanged',
      } satisfies SpoiledView;
    });
    return view;
  }
}
