import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { KEY_RECOVERY_REPOSITORY, type KeyRecoveryRepository } from '../key-recovery.repository';
import { KeyRecoveryError, KeyRecoveryErrorCode } from '../key-recovery-errors';
import { type KeyRecoveryView, toKeyRecoveryView } from '../key-recovery-view';
import { ShowKeyRecoveryQuery } from './show-key-recovery.query';

@QueryHandler(ShowKeyRecoveryQuery)
export class ShowKeyRecoveryHandler implements IQueryHandler<ShowKeyRecoveryQuery, KeyRecoveryView> {
  constructor(@Inject(KEY_RECOVERY_REPOSITORY) private readonly recoveries: KeyRecoveryRepository) {}

  async execute(q: ShowKeyRecoveryQuery): Promise<KeyRecoveryView> {
    const r = await this.recoveries.get(q.id);
    if (!r) throw new KeyRecoveryError(KeyRecoveryErrorCode.NotFound, `no key recovery ${q.id}`);
    return toKeyRecoveryView(r);
  }
}
