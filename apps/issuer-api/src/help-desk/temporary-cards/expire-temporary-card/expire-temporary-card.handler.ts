import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { VSC_REPOSITORY, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { systemActor } from '../../../trust/auth/principal';
import { TEMPORARY_CARD_REPOSITORY, type TemporaryCardRepository } from '../temporary-card.repository';
import { isExpiryDue } from '../temporary-card-rules';
import { ExpireTemporaryCardCommand } from './expire-temporary-card.command';

const ACTOR = systemActor('temporary-cards');

/**
 * Marks a temporary card expired and disables its VSC. Its host was refused from the expiry
 * instant anyway, and its certificates end then; a card not (or no longer) due is left alone, so
 * a job run twice changes nothing.
 */
@CommandHandler(ExpireTemporaryCardCommand)
export class ExpireTemporaryCardHandler implements ICommandHandler<ExpireTemporaryCardCommand, boolean> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(TEMPORARY_CARD_REPOSITORY) private readonly temporary: TemporaryCardRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
  ) {}

  execute(c: ExpireTemporaryCardCommand): Promise<boolean> {
    return this.uow.run(ACTOR, async (tx) => {
      const t = await this.temporary.lock(tx, c.temporaryCardId);
      if (!t || !isExpiryDue(t, tx.now)) return false;
      await this.temporary.update(tx, t.id, { state: 'expired', closedAt: tx.now, closeReason: 'expired' });
      await this.vscs.patchState(tx, t.id, { status: 'disabled' });
      tx.audit({
        action: 'temporary-card.expired',
        targetType: 'vsc',
        targetId: t.id,
        outcome: 'success',
        details: { cardId: t.cardId, cardholderId: t.cardholderId, expiresAt: t.expiresAt.toISOString() },
      });
      return true;
    });
  }
}
