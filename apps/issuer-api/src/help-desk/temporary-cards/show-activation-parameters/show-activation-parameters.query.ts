import { Query } from '@nestjs/cqrs';
import type { KdfParams } from '@scm/vsc';
import type { TemporaryCardState } from '../temporary-card.repository';

export interface ActivationParameters {
  id: string;
  kdf: KdfParams;
  pin: { minLength: number; maxLength: number };
  expiresAt: string;
  state: TemporaryCardState;
}

/** What the activating terminal needs to stretch the PIN the cardholder types: the VSC's KDF parameters and the PIN rules. */
export class ShowActivationParametersQuery extends Query<ActivationParameters> {
  constructor(readonly id: string) {
    super();
  }
}
