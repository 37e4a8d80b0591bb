import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { TEMPORARY_CARD_REPOSITORY, type TemporaryCardRepository } from '../temporary-card.repository';
import { TemporaryCardError, TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { TemporaryCardRevocation } from '../temporary-card-revocation.service';
import { isOpen, notFound } from '../temporary-card-rules';
import { type TemporaryCardView, TemporaryCardViews } from '../temporary-card-view';
import { RevokeTemporaryCardCommand } from './revoke-temporary-card.command';

/** An officer's revocation of an issued or active temporary card; revoking a closed one is refused and audited. */
@CommandHandler(RevokeTemporaryCardCommand)
export class RevokeTemporaryCardHandler implements ICommandHandler<RevokeTemporaryCardCommand, TemporaryCardView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly revocation: TemporaryCardRevocation,
    private readonly views: TemporaryCardViews,
    @Inject(TEMPORARY_CARD_REPOSITORY) private readonly temporary: TemporaryCardRepository,
  ) {}

  execute(c: RevokeTemporaryCardCommand): Promise<TemporaryCardView> {
    return this.uow.run(c.actor, async (tx) => {
      const t = await this.temporary.lock(tx, c.id);
      if (!t) return tx.refuse(notFound(c.id));
      if (!isOpen(t.state)) {
        tx.audit({ action: 'temporary-card.revoked', targetType: 'vsc', targetId: t.id, outcome: 'denied', details: { state: t.state } });
        return tx.refuse(new TemporaryCardError(E.WrongState, `temporary card ${t.id} is already ${t.state}`));
      }
      await this.revocation.revoke(tx, t, c.reason);
      return (await this.views.get(t.id, tx.now, tx))!;
    });
  }
}
