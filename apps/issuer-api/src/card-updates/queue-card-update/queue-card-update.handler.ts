import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { CARD_UPDATE_REPOSITORY, type CardUpdateRepository } from '../card-update.repository';
import { CardUpdateQueue } from '../card-update-queue.service';
import { CardUpdateError, CardUpdateErrorCode } from '../card-update-errors';
import { isUpdatable, updateProblem } from '../card-update-rules';
import { cardUpdateView, type CardUpdateView } from '../card-update-view';
import { QueueCardUpdateCommand } from './queue-card-update.command';

const ACTION = 'card-update.queued';

/** Queues an update for an issued or active card (one open update per card); it runs the next time the card is in a reader. */
@CommandHandler(QueueCardUpdateCommand)
export class QueueCardUpdateHandler implements ICommandHandler<QueueCardUpdateCommand, CardUpdateView> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CARD_UPDATE_REPOSITORY) private readonly updates: CardUpdateRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    private readonly queue: CardUpdateQueue,
  ) {}

  execute(c: QueueCardUpdateCommand): Promise<CardUpdateView> {
    return this.uow.run(c.actor, async (tx) => {
      const deny = (e: CardUpdateError, targetId: string) =>
        tx.deny(e, { action: ACTION, targetType: 'card', targetId, details: { serial: c.serial, kind: c.kind } });
      const card = await this.cards.lockBySerial(tx, c.serial);
      if (!card) return deny(new CardUpdateError(CardUpdateErrorCode.NotFound, `no card ${c.serial}`), c.serial);
      const problem = updateProblem(c.kind, c.params);
      if (problem) return deny(new CardUpdateError(CardUpdateErrorCode.Invalid, problem), card.id);
      if (!isUpdatable(card.state) || !card.vscId || !card.requestId)
        return deny(
          new CardUpdateError(
            CardUpdateErrorCode.CardNotUpdatable,
            `card ${c.serial} is ${card.state}; only issued and active cards are updated`,
            {
              state: card.state,
            },
          ),
          card.id,
        );
      if (c.kind === 'rotate-puk' && !(await this.updates.lockCardPuk(tx, card.id)))
        return deny(new CardUpdateError(CardUpdateErrorCode.Invalid, `card ${c.serial} has no PUK under the HSM to rotate`), card.id);
      const open = await this.updates.lockOpenOfCard(tx, card.id);
      if (open)
        return deny(
          new CardUpdateError(CardUpdateErrorCode.AlreadyOpen, `card ${c.serial} already has update ${open.id} (${open.state})`, {
            id: open.id,
          }),
          card.id,
        );
      const u = await this.queue.queue(tx, {
        cardId: card.id,
        kind: c.kind,
        origin: 'officer',
        state: 'pending',
        reason: c.reason,
        ...(c.params.slot ? { slot: c.params.slot } : {}),
        ...(c.params.tag !== undefined ? { objectTag: c.params.tag.toString(16) } : {}),
        ...(c.params.value ? { objectValue: c.params.value } : {}),
        details: { serial: card.serial },
      });
      return cardUpdateView(u);
    });
  }
}
