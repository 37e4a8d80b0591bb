import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DEFAULT_KDF } from '@scm/vsc';
import { VSC_REPOSITORY, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import { VscEscrowService } from '../../../issuance/vsc-escrow/vsc-escrow.service';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { TEMPORARY_CARD_REPOSITORY, type TemporaryCardRepository } from '../temporary-card.repository';
import { TemporaryCardError, TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { activationRefusal, notFound } from '../temporary-card-rules';
import { type TemporaryCardView, TemporaryCardViews } from '../temporary-card-view';
import { TEMPORARY_CARD_VIEW_REPOSITORY, type TemporaryCardViewRepository } from '../temporary-card-views.repository';
import { ActivateTemporaryCardCommand } from './activate-temporary-card.command';

/**
 * The KEK HMAC that turns the terminal's Argon2id output into the PIN slot's wrapping key runs in
 * the HSM here; the PIN never reaches the API. The result is a new sealed, escrowed version, and
 * the card is active until it expires. Activating again (a forgotten or blocked PIN) replaces the
 * PIN and gives every try back: a PIN reset, not a second temporary card. Each activation seals
 * the new version under a fresh content key.
 */
@CommandHandler(ActivateTemporaryCardCommand)
export class ActivateTemporaryCardHandler implements ICommandHandler<ActivateTemporaryCardCommand, TemporaryCardView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly escrow: VscEscrowService,
    private readonly views: TemporaryCardViews,
    @Inject(TEMPORARY_CARD_REPOSITORY) private readonly temporary: TemporaryCardRepository,
    @Inject(TEMPORARY_CARD_VIEW_REPOSITORY) private readonly records: TemporaryCardViewRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
  ) {}

  execute(c: ActivateTemporaryCardCommand): Promise<TemporaryCardView> {
    return this.uow.run(c.actor, async (tx) => {
      try {
        const denied = { action: 'temporary-card.activated', targetType: 'vsc', targetId: c.id };
        const t = await this.temporary.lock(tx, c.id);
        const record = t && (await this.records.get(t.id, tx));
        if (!t || !record) return tx.deny(notFound(c.id), denied);
        const refusal = activationRefusal(t, tx.now);
        if (refusal) return tx.deny(refusal, denied);
        if (c.salt.length !== 16 || c.kdfOutput.length !== 32)
          return tx.deny(new TemporaryCardError(E.Invalid, 'activation takes a 16-byte salt and a 32-byte Argon2id output'), denied);

        const vsc = await this.escrow.openForRecovery(t.id, { escrowedOnly: true, tx });
        let version: number;
        try {
          // A fresh content key for the cardholder's version: a PIN reset leaves nothing of it
          // readable under the key of the versions before (those still open through recovery).
          await vsc.renewContentKey();
          await vsc.setPinFromKdfOutput(c.salt, c.kdfOutput, vsc.currentHeader.kdf ?? DEFAULT_KDF);
          await vsc.seal();
          version = (await this.escrow.storeNextVersion(tx, vsc, 'cardholder PIN set at activation')).version;
        } finally {
          vsc.close();
        }
        await this.escrow.commitEscrow(tx, t.id, version);
        await this.temporary.update(tx, t.id, {
          state: 'active',
          activatedAt: tx.now,
          activatedBy: tx.actor.actor,
          pinRemaining: t.pinTries,
        });
        await this.vscs.patchState(tx, t.id, { status: 'active', pin: { remaining: t.pinTries, total: t.pinTries } });
        tx.audit({
          action: t.state === 'active' ? 'temporary-card.pin-reset' : 'temporary-card.activated',
          targetType: 'vsc',
          targetId: t.id,
          outcome: 'success',
          details: {
            cardholder: record.holder.name,
            cardholderId: t.cardholderId,
            expiresAt: t.expiresAt.toISOString(),
            cardId: t.cardId,
            hostWorkerId: t.hostWorkerId,
            identityCheck: c.identityCheck,
            version,
          },
        });
        return (await this.views.get(t.id, tx.now, tx))!;
      } finally {
        c.kdfOutput.fill(0);
      }
    });
  }
}
