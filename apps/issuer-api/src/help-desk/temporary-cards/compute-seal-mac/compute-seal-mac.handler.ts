import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isSealInputOf, parseVscFile, sealedLength } from '@scm/vsc';
import { VSC_REPOSITORY, type StoredVscVersion, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import { VscEscrowService } from '../../../issuance/vsc-escrow/vsc-escrow.service';
import { type TxScope, UnitOfWork } from '../../../platform/infra/unit-of-work';
import { TEMPORARY_CARD_REPOSITORY, type TemporaryCardRepository } from '../temporary-card.repository';
import { TemporaryCardError, TemporaryCardErrorCode } from '../temporary-card-errors';
import { hostRefusal, notFound } from '../temporary-card-rules';
import { ComputeSealMacCommand } from './compute-seal-mac.command';

/**
 * Answers only for data that is exactly what the seal of an escrowed version covers, so the host
 * cannot get any other content sealed under the KEK. Anything else is refused and audited.
 */
@CommandHandler(ComputeSealMacCommand)
export class ComputeSealMacHandler implements ICommandHandler<ComputeSealMacCommand, { mac: string }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly escrow: VscEscrowService,
    @Inject(TEMPORARY_CARD_REPOSITORY) private readonly temporary: TemporaryCardRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
  ) {}

  execute(c: ComputeSealMacCommand): Promise<{ mac: string }> {
    return this.uow.run(c.actor, async (tx) => {
      const t = await this.temporary.get(c.id, tx);
      if (!t) return tx.refuse(notFound(c.id));
      const refusal = hostRefusal(t, c.host.id, tx.now);
      if (refusal) return tx.refuse(refusal);
      const sealed = await this.sealedVersionOf(t.id, c.data, tx);
      if (!sealed) {
        tx.audit({
          action: 'temporary-card.seal-check',
          targetType: 'vsc',
          targetId: t.id,
          outcome: 'denied',
          details: { workerId: c.host.id, bytes: c.data.length },
        });
        return tx.refuse(new TemporaryCardError(TemporaryCardErrorCode.Invalid, `not a sealed version of temporary card ${t.id}`));
      }
      const kek = parseVscFile(sealed.content).content.header.keys.kek;
      return { mac: (await this.escrow.deps().protector.mac(kek, 'seal', c.data)).toString('base64') };
    });
  }

  /** The escrowed version whose seal covers exactly `data`, if there is one. */
  private async sealedVersionOf(id: string, data: Buffer, tx: TxScope): Promise<StoredVscVersion | undefined> {
    const size = sealedLength(data.length);
    for (const v of await this.vscs.versions(id, tx)) {
      if (!v.escrowedAt || v.size !== size) continue;
      const stored = await this.vscs.version(id, v.version, tx);
      if (stored && isSealInputOf(stored.content, data)) return stored;
    }
    return undefined;
  }
}
