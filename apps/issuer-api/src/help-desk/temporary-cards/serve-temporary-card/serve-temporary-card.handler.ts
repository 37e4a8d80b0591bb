import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { VSC_REPOSITORY, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { escrowedContent } from '../escrowed-content';
import { TEMPORARY_CARD_REPOSITORY, type TemporaryCardRepository } from '../temporary-card.repository';
import { hostRefusal, notFound } from '../temporary-card-rules';
import { type HostedTemporaryCard, ServeTemporaryCardCommand } from './serve-temporary-card.command';

/** The content of the current (escrowed) version, for the card's own host only, while it is active and not expired. */
@CommandHandler(ServeTemporaryCardCommand)
export class ServeTemporaryCardHandler implements ICommandHandler<ServeTemporaryCardCommand, HostedTemporaryCard> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(TEMPORARY_CARD_REPOSITORY) private readonly temporary: TemporaryCardRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
  ) {}

  execute(c: ServeTemporaryCardCommand): Promise<HostedTemporaryCard> {
    return this.uow.run(c.actor, async (tx) => {
      const denied = { action: 'temporary-card.served', targetType: 'vsc', targetId: c.id, details: { workerId: c.host.id } };
      const t = await this.temporary.get(c.id, tx);
      const vsc = t && (await this.vscs.get(t.id, tx));
      if (!t || !vsc) return tx.deny(notFound(c.id), denied);
      const refusal = hostRefusal(t, c.host.id, tx.now);
      if (refusal) return tx.deny(refusal, denied);
      const content = await escrowedContent(this.vscs, t.id, vsc.currentVersion, tx);
      tx.audit({
        action: 'temporary-card.served',
        targetType: 'vsc',
        targetId: t.id,
        outcome: 'success',
        details: { workerId: c.host.id, version: vsc.currentVersion },
      });
      return {
        id: t.id,
        label: vsc.label,
        version: vsc.currentVersion,
        content: content.toString('base64'),
        expiresAt: t.expiresAt.toISOString(),
        state: {
          sequence: 1,
          status: 'active',
          pin: { remaining: t.pinRemaining, total: t.pinTries },
          puk: { remaining: 0, total: 0 },
          expiresAt: Math.floor(t.expiresAt.getTime() / 1000),
        },
      };
    });
  }
}
