import { Query } from '@nestjs/cqrs';
import type { TemporaryCardState } from '../temporary-card.repository';

export interface TemporaryCardStatus {
  state: TemporaryCardState;
  expiresAt: string;
  pinRemaining: number;
  version: number;
}

/** The host's periodic check: is the card still to be served? A refusal (revoked, expired, another host) is the answer. */
export class CheckTemporaryCardQuery extends Query<TemporaryCardStatus> {
  constructor(
    readonly id: string,
    readonly host: { id: string },
  ) {
    super();
  }
}
