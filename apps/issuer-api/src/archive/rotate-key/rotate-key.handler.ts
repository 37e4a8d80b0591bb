import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { currentArchiveKey } from '@scm/archive';
import type { HsmHandle } from '../../platform/infra/infra.module';
import { HSM } from '../../platform/infra/tokens';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { ApprovalsService } from '../../trust/approvals/approvals.service';
import { ARCHIVE_KEY_APPROVAL } from '../archive-key.service';
import { type KeyRotationRequested, RotateKeyCommand } from './rotate-key.command';

@CommandHandler(RotateKeyCommand)
export class RotateKeyHandler implements ICommandHandler<RotateKeyCommand, KeyRotationRequested> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly approvals: ApprovalsService,
    @Inject(HSM) private readonly hsm: HsmHandle,
  ) {}

  async execute(c: RotateKeyCommand): Promise<KeyRotationRequested> {
    const current = await currentArchiveKey(this.hsm.get());
    const from = `${current.label}/${current.version}`;
    const to = `${current.label}/${current.version + 1}`;
    return this.uow.run(c.actor, async (tx) => {
      const req = await this.approvals.request(tx, {
        kind: ARCHIVE_KEY_APPROVAL,
        subject: { action: 'rotate', from, to },
        approverRole: 'security-officer',
        requiredApprovals: 2,
        requestedBy: c.userId,
      });
      tx.audit({
        action: 'archive.key-rotation-requested',
        targetType: 'archive-key',
        targetId: from,
        outcome: 'success',
        details: { to, approval: req.id },
      });
      return { approvalId: req.id, from, to };
    });
  }
}
