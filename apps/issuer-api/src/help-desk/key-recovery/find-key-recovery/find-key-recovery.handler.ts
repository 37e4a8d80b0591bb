import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { KEY_RECOVERY_REPOSITORY, type KeyRecoveryRepository } from '../key-recovery.repository';
import { KeyRecoveryError, KeyRecoveryErrorCode } from '../key-recovery-errors';
import { type KeyRecoveryView, toKeyRecoveryView } from '../key-recovery-view';
import { FindKeyRecoveryQuery } from './find-key-recovery.query';

@QueryHandler(FindKeyRecoveryQuery)
export class FindKeyRecoveryHandler implements IQueryHandler<FindKeyRecoveryQuery, KeyRecoveryView> {
  constructor(@Inject(KEY_RECOVERY_REPOSITORY) private readonly recoveries: KeyRecoveryRepository) {}

  async execute(q: FindKeyRecoveryQuery): Promise<KeyRecoveryView> {
    const r = await this.recoveries.byApproval(q.approvalId);
    if (!r) throw new KeyRecoveryError(KeyRecoveryErrorCode.NotFound, `no approved key recovery for approval ${q.approvalId} (yet)`);
    return toKeyRecoveryView(r);
  }
}
