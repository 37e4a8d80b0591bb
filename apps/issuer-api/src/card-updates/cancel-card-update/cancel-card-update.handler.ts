import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { CARD_UPDATE_REPOSITORY, type CardUpdateRepository } from '../card-update.repository';
import { CardUpdateError, CardUpdateErrorCode } from '../card-update-errors';
import { cardUpdateView, type CardUpdateView } from '../card-update-view';
import { CancelCardUpdateCommand } from './cancel-card-update.command';

const ACTION = 'card-update.cancelled';

/**
 * Cancels an update awaiting approval or pending that never started: nothing of it reached the
 * card or the escrow. One that started (the card may already hold some of its certificates) is
 * finished at the card's next insertion instead, so card and escrow never disagree.
 */
@CommandHandler(CancelCardUpdateCommand)
export class CancelCardUpdateHandler implements ICommandHandler<CancelCardUpdateCommand, CardUpdateView> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CARD_UPDATE_REPOSITORY) private readonly updates: CardUpdateRepository,
  ) {}

  execute(c: CancelCardUpdateCommand): Promise<CardUpdateView> {
    return this.uow.run(c.actor, async (tx) => {
      const deny = (e: CardUpdateError) => tx.deny(e, { action: ACTION, targetType: 'card-update', targetId: c.id });
      const u = await this.updates.lock(tx, c.id);
      if (!u) return deny(new CardUpdateError(CardUpdateErrorCode.NotFound, `no card update ${c.id}`));
      if (!(u.state === 'awaiting-approval' || u.state === 'pending') || u.attempt > 0)
        return deny(
          new CardUpdateError(
            CardUpdateErrorCode.WrongState,
            `card update ${c.id} is ${u.state}${u.attempt > 0 ? ` after ${u.attempt} attempt(s)` : ''}: it finishes at the card's next insertion`,
            { state: u.state, attempt: u.attempt },
          ),
        );
      const patch = { state: 'cancelled' as const, failure: `cancelled: ${c.reason}`.slice(0, 500), finishedAt: tx.now };
      await this.updates.patch(tx, u.id, patch);
      tx.audit({
        action: ACTION,
        targetType: 'card-update',
        targetId: u.id,
        outcome: 'success',
        details: { cardId: u.cardId, reason: c.reason },
      });
      return cardUpdateView({ ...u, ...patch });
    });
  }
}
