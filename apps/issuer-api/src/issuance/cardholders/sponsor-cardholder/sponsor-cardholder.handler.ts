import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { type PendingApproval, toPendingApproval } from '../cardholder';
import { CardholderApprovals } from '../cardholder-approvals';
import { CardholderError, CardholderErrorCode } from '../cardholder-errors';
import { CARDHOLDER_REPOSITORY, type CardholderRepository } from '../cardholder.repository';
import { SponsorCardholderCommand } from './sponsor-cardholder.command';

const ACTION = 'cardholder.sponsorship-requested';

/**
 * Separation of duties: each card is sponsored by an officer other than the one who requests it.
 * This opens the dual-control request; the officer who approves it becomes the card's sponsor.
 */
@CommandHandler(SponsorCardholderCommand)
export class SponsorCardholderHandler implements ICommandHandler<SponsorCardholderCommand, PendingApproval> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly approvals: CardholderApprovals,
    @Inject(CARDHOLDER_REPOSITORY) private readonly cardholders: CardholderRepository,
  ) {}

  execute(c: SponsorCardholderCommand): Promise<PendingApproval> {
    return this.uow.run(c.actor, async (tx) => {
      const holder = await this.cardholders.get(c.cardholderId, tx);
      const target = { action: ACTION, targetType: 'cardholder', targetId: c.cardholderId };
      if (!holder) return tx.deny(new CardholderError(CardholderErrorCode.NotFound, `no cardholder ${c.cardholderId}`), target);
      if (holder.status !== 'active') {
        return tx.deny(new CardholderError(CardholderErrorCode.NotActive, `cardholder ${holder.id} is ${holder.status}`), target);
      }
      const approval = await this.approvals.requestSponsorship(tx, holder);
      tx.audit({ ...target, outcome: 'success', details: { approvalId: approval.id } });
      return toPendingApproval(approval);
    });
  }
}
