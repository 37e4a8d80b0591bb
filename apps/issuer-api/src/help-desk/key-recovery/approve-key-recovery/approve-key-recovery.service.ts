import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ApprovalRequestEntity } from '@scm/db';
import type { Tx } from '../../../platform/infra/unit-of-work';
import type { KeyRecoverySubject } from '../key-recovery-approval';
import { KEY_RECOVERY_REPOSITORY, type KeyRecoveryRepository } from '../key-recovery.repository';

/** What the last approval of a key recovery does: records it, ready for the requesting officer to fetch the keys once. */
@Injectable()
export class ApproveKeyRecovery {
  constructor(@Inject(KEY_RECOVERY_REPOSITORY) private readonly recoveries: KeyRecoveryRepository) {}

  async execute(tx: Tx, approval: ApprovalRequestEntity): Promise<void> {
    const s = approval.subject as KeyRecoverySubject;
    const id = randomUUID();
    await this.recoveries.insert(tx, {
      id,
      cardholderId: s.cardholderId,
      cardId: s.cardId,
      approvalId: approval.id,
      reason: s.reason,
      state: 'approved',
      requestedBy: approval.requestedBy,
      createdAt: tx.now,
      deliveredAt: null,
      keys: [],
    });
    tx.audit({
      action: 'key-recovery.approved',
      targetType: 'cardholder',
      targetId: s.cardholderId,
      outcome: 'success',
      details: { recoveryId: id, approvalId: approval.id },
    });
  }
}
