import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { sealArchive } from '@scm/archive';
import { ApiAuditSequencer } from '../../platform/infra/audit-sequencer.repository';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { ArchiveEnvironment } from '../archive-environment';
import { SealVolumeCommand, type SealVolumeResult } from './seal-volume.command';

/**
 * Seals a volume in one unit of work: the volume and its entries, the checkpoint it is anchored
 * to and the audit event commit together. A failure is audited in a transaction of its own.
 * Events committed before the request are chained first, so the volume's checkpoint covers them.
 */
@CommandHandler(SealVolumeCommand)
export class SealVolumeHandler implements ICommandHandler<SealVolumeCommand, SealVolumeResult> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly env: ArchiveEnvironment,
    @Inject(ApiAuditSequencer) private readonly sequencer: Pick<ApiAuditSequencer, 'settle'>,
  ) {}

  async execute(c: SealVolumeCommand): Promise<SealVolumeResult> {
    try {
      await this.sequencer.settle();
      return await this.uow.run(c.actor, async (tx) => {
        const r = await sealArchive(this.env.forTx(tx), c.directory ?? this.env.directory);
        if (!r.sealed) return { sealed: false, message: r.message, lastVolume: r.lastVolume };
        const v = r.volume;
        return {
          sealed: true,
          volume: v.volume,
          volumeId: v.volumeId,
          image: v.imagePath,
          sidecar: v.sidecarPath,
          imageSha256: v.imageSha256,
          imageSize: v.imageSize,
          previous: v.previous,
          auditSeq: v.audit.seq,
          auditHeadHash: v.audit.headHash,
          entries: v.entries,
          movedAside: v.movedAside,
        };
      });
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'internal';
      await this.uow
        .run(c.actor, async (tx) =>
          tx.audit({
            action: 'archive.volume-sealed',
            targetType: 'archive-volume',
            targetId: null,
            outcome: 'failure',
            details: { error: code, message: (e as Error).message.slice(0, 500) },
          }),
        )
        .catch(() => undefined);
      throw e;
    }
  }
}
