import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { CARD_UPDATE_REPOSITORY, type CardUpdateRepository } from '../card-update.repository';
import { CardUpdateError, CardUpdateErrorCode } from '../card-update-errors';
import { cardUpdateView, type CardUpdateView } from '../card-update-view';
import { ApproveCardUpdateCommand } from './approve-card-update.command';

const ACTION = 'card-update.approved';

/** An update awaiting approval becomes pending; whoever queued it (an officer, for an identity change) cannot approve it. */
@CommandHandler(ApproveCardUpdateCommand)
export class ApproveCardUpdateHandler implements ICommandHandler<ApproveCardUpdateCommand, CardUpdateView> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CARD_UPDATE_REPOSITORY) private readonly updates: CardUpdateRepository,
  ) {}

  execute(c: ApproveCardUpdateCommand): Promise<CardUpdateView> {
    return this.uow.run(c.actor, async (tx) => {
      const deny = (e: CardUpdateError) => tx.deny(e, { action: ACTION, targetType: 'card-update', targetId: c.id });
      const u = await this.updates.lock(tx, c.id);
      if (!u) return deny(new CardUpdateError(CardUpdateErrorCode.NotFound, `no card update ${c.id}`));
      if (u.state !== 'awaiting-approval')
        return deny(new CardUpdateError(CardUpdateErrorCode.WrongState, `card update ${c.id} is ${u.state}`, { state: u.state }));
      if (u.requestedBy === c.actor.actor)
        return deny(new CardUpdateError(CardUpdateErrorCode.SelfApproval, 'another officer approves what you asked for'));
      await this.updates.patch(tx, u.id, { state: 'pending', approvedBy: c.actor.actor });
      tx.audit({
        action: ACTION,
        targetType: 'card-update',
        targetId: u.id,
        outcome: 'success',
        details: { cardId: u.cardId, kind: u.kind },
      });
      return cardUpdateView({ ...u, state: 'pending', approvedBy: c.actor.actor });
    });
  }
}
