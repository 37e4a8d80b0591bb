import { Query } from '@nestjs/cqrs';
import type { KeyRecoveryView } from '../key-recovery-view';

/** A key recovery: its state and, once delivered, which keys went out (never the keys). */
export class ShowKeyRecoveryQuery extends Query<KeyRecoveryView> {
  constructor(readonly id: string) {
    super();
  }
}
