import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type PendingApproval, toPendingApproval } from '../../issuance/cardholders/cardholder';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { EscrowPurgeService } from '../escrow-purge.service';
import { ProposeEscrowPurgeCommand } from './propose-escrow-purge.command';

const ACTION = 'cardholder.escrow-purge-proposed';

/** Refuses (audited) a purge of someone not terminated, purged already, or within the retention period; else opens the approval. */
@CommandHandler(ProposeEscrowPurgeCommand)
export class ProposeEscrowPurgeHandler implements ICommandHandler<ProposeEscrowPurgeCommand, PendingApproval> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly purges: EscrowPurgeService,
  ) {}

  execute(c: ProposeEscrowPurgeCommand): Promise<PendingApproval> {
    return this.uow.run(c.actor, async (tx) => {
      const target = { action: ACTION, targetType: 'cardholder', targetId: c.cardholderId };
      const refused = await this.purges.refusal(tx, c.cardholderId);
      if (refused) return tx.deny(refused, target);
      const approval = await this.purges.propose(tx, c.cardholderId);
      tx.audit({ ...target, outcome: 'success', details: { approvalId: approval.id } });
      return toPendingApproval(approval);
    });
  }
}
