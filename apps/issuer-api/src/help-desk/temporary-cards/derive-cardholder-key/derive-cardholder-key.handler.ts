import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseVscFile, pinSlotContext, unwrapPinSlot } from '@scm/vsc';
import { VSC_REPOSITORY, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import { VscEscrowService } from '../../../issuance/vsc-escrow/vsc-escrow.service';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { escrowedContent } from '../escrowed-content';
import { TEMPORARY_CARD_REPOSITORY, type TemporaryCardRepository } from '../temporary-card.repository';
import { TemporaryCardError, TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { hostRefusal, notFound, pinTriesAfter } from '../temporary-card-rules';
import { type CardholderKey, DeriveCardholderKeyCommand } from './derive-cardholder-key.command';

/**
 * HMAC under the KEK (in the HSM) of the host's Argon2id output, for this card's PIN slot only.
 * The API checks the key against the PIN slot of the escrowed version itself, so it counts wrong
 * PINs where the host cannot roll them back (saved before answering) and refuses once blocked.
 */
@CommandHandler(DeriveCardholderKeyCommand)
export class DeriveCardholderKeyHandler implements ICommandHandler<DeriveCardholderKeyCommand, CardholderKey> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly escrow: VscEscrowService,
    @Inject(TEMPORARY_CARD_REPOSITORY) private readonly temporary: TemporaryCardRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
  ) {}

  execute(c: DeriveCardholderKeyCommand): Promise<CardholderKey> {
    return this.uow.run(c.actor, async (tx) => {
      try {
        const denied = { action: 'temporary-card.pin-verify', targetType: 'vsc', targetId: c.id, details: { workerId: c.host.id } };
        const t = await this.temporary.lock(tx, c.id);
        const vsc = t && (await this.vscs.get(t.id, tx));
        if (!t || !vsc) return tx.deny(notFound(c.id), denied);
        const refusal = hostRefusal(t, c.host.id, tx.now);
        if (refusal) return tx.deny(refusal, denied);
        // The PIN slot only: a temporary card has no PUK path.
        if (!c.context.equals(pinSlotContext(t.id)) || c.kdfOutput.length !== 32)
          return tx.deny(new TemporaryCardError(E.Invalid, 'a cardholder key is derived for this temporary card’s PIN slot only'), denied);
        if (t.pinRemaining <= 0)
          return tx.deny(new TemporaryCardError(E.PinBlocked, `the PIN of temporary card ${t.id} is blocked; activate it again`), denied);
        const content = parseVscFile(await escrowedContent(this.vscs, t.id, vsc.currentVersion, tx)).content;
        const slot = content.slots.find((s) => s.type === 'pin');
        if (!slot) return tx.deny(new TemporaryCardError(E.WrongState, `temporary card ${t.id} has no PIN yet`), denied);

        const kw = await this.escrow.deps().protector.deriveCardholderKey(content.header.keys.kek, c.kdfOutput, c.context);
        const cek = unwrapPinSlot(slot, content.header, kw);
        const ok = cek !== undefined;
        cek?.fill(0);
        const remaining = pinTriesAfter(t, ok);
        if (remaining !== t.pinRemaining) {
          await this.temporary.update(tx, t.id, { pinRemaining: remaining });
          await this.vscs.patchState(tx, t.id, { pin: { remaining, total: t.pinTries } });
        }
        if (!ok) {
          tx.audit({
            action: 'temporary-card.pin-failed',
            targetType: 'vsc',
            targetId: t.id,
            outcome: 'failure',
            details: { workerId: c.host.id, remaining, blocked: remaining === 0, reason: 'wrong PIN' },
          });
        }
        const key = kw.toString('base64');
        kw.fill(0);
        return { key, ok, remaining };
      } finally {
        c.kdfOutput.fill(0);
      }
    });
  }
}
