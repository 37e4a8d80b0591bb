import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type PendingApproval, toPendingApproval } from '../../issuance/cardholders/cardholder';
import { CardholderError, CardholderErrorCode } from '../../issuance/cardholders/cardholder-errors';
import { CARDHOLDER_REPOSITORY, type CardholderRepository } from '../../issuance/cardholders/cardholder.repository';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { ApprovalsService } from '../../trust/approvals/approvals.service';
import { userIdOf } from '../../trust/separation-of-duties';
import { ChangeCardholderIdentityCommand } from './change-cardholder-identity.command';
import { IDENTITY_CHANGE_KIND, type IdentityChangeSubject } from './identity-change-approval';

const ACTION = 'cardholder.identity-change-requested';

/**
 * Asks a second security officer to approve a change of a cardholder's identity fields (the
 * approval names the fields before and after); nothing changes until then. A UPN another
 * cardholder has is refused at once.
 */
@CommandHandler(ChangeCardholderIdentityCommand)
export class ChangeCardholderIdentityHandler implements ICommandHandler<
  ChangeCardholderIdentityCommand,
  { cardholderId: string; approval: PendingApproval }
> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CARDHOLDER_REPOSITORY) private readonly cardholders: CardholderRepository,
    private readonly approvals: ApprovalsService,
  ) {}

  execute(c: ChangeCardholderIdentityCommand): Promise<{ cardholderId: string; approval: PendingApproval }> {
    return this.uow.run(c.actor, async (tx) => {
      const deny = (e: CardholderError) => tx.deny(e, { action: ACTION, targetType: 'cardholder', targetId: c.cardholderId });
      const holder = await this.cardholders.get(c.cardholderId, tx);
      if (!holder) return deny(new CardholderError(CardholderErrorCode.NotFound, `no cardholder ${c.cardholderId}`));
      if (holder.status !== 'active')
        return deny(new CardholderError(CardholderErrorCode.NotActive, `cardholder ${holder.id} is ${holder.status}`));
      const from = { name: holder.name, upn: holder.upn, email: holder.email };
      const to = {
        name: c.change.name ?? holder.name,
        upn: c.change.upn !== undefined ? c.change.upn : holder.upn,
        email: c.change.email !== undefined ? c.change.email : holder.email,
      };
      if (to.name === from.name && to.upn === from.upn && to.email === from.email)
        return deny(new CardholderError(CardholderErrorCode.Invalid, 'nothing changes'));
      if (to.upn && to.upn.toLowerCase() !== from.upn?.toLowerCase()) {
        const taken = (await this.cardholders.withUpns([to.upn.toLowerCase()], tx)).filter((h) => h.id !== holder.id);
        if (taken.length) return deny(new CardholderError(CardholderErrorCode.UpnTaken, `UPN ${to.upn} belongs to another cardholder`));
      }
      const subject: IdentityChangeSubject = { cardholderId: holder.id, from, to, reason: c.reason };
      const requestedBy = userIdOf(c.actor.actor);
      if (!requestedBy) throw new Error(`only a user asks for an identity change (actor ${c.actor.actor})`);
      const approval = await this.approvals.request(tx, {
        kind: IDENTITY_CHANGE_KIND,
        subject: subject as unknown as Record<string, unknown>,
        approverRole: 'security-officer',
        requiredApprovals: 1,
        requestedBy,
      });
      tx.audit({
        action: ACTION,
        targetType: 'cardholder',
        targetId: holder.id,
        outcome: 'success',
        details: { approvalId: approval.id, from, to, reason: c.reason },
      });
      return { cardholderId: holder.id, approval: toPendingApproval(approval) };
    });
  }
}
