import { Query } from '@nestjs/cqrs';
import type { KeyRecoveryView } from '../key-recovery-view';

/** The key recovery an approval made (the officer knows the approval id from the request). */
export class FindKeyRecoveryQuery extends Query<KeyRecoveryView> {
  constructor(readonly approvalId: string) {
    super();
  }
}
