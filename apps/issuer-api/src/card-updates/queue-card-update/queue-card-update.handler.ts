import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { CARD_UPDATE_REPOSITORY, type CardUpdateRepository } from '../card-update.repository';
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
      const open = await this.updates.lockOpenOfCard(tx, card.id);
      if (open)
        return deny(
          new CardUpdateError(CardUpdateErrorCode.AlreadyOpen, `card ${c.serial} already has update ${open.id} (${open.state})`, {
            id: open.id,
          }),
          card.id,
        );
      const u = {
        id: randomUUID(),
        cardId: card.id,
        kind: c.kind,
        slot: c.params.slot ?? null,
        objectTag: c.params.tag !== undefined ? c.params.tag.toString(16) : null,
        objectValue: c.params.value ?? null,
        state: 'pending' as const,
        origin: 'officer' as const,
        reason: c.reason,
        requestedBy: c.actor.actor,
        approvedBy: null,
        workerId: null,
        attempt: 0,
        vscVersion: null,
        prepared: null,
        proofNonce: null,
        failure: null,
        createdAt: tx.now,
        updatedAt: tx.now,
        finishedAt: null,
      };
      await this.updates.insert(tx, u);
      tx.audit({
        action: ACTION,
        targetType: 'card-update',
        targetId: u.id,
        outcome: 'success',
        details: { cardId: card.id, serial: card.serial, kind: u.kind, slot: u.slot, objectTag: u.objectTag, reason: c.reason },
      });
      return cardUpdateView(u);
    });
  }
}
