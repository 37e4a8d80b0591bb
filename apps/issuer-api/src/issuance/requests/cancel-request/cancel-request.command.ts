import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';

export interface CancelledRequest {
  id: string;
  state: string;
  /** Serials of the certificates revoked with it. */
  revoked: string[];
}

/** An officer withdraws a request before a card is claimed for it. */
export class CancelRequestCommand extends Command<CancelledRequest> {
  constructor(
    readonly requestId: string,
    readonly actor: Actor,
    readonly reason?: string,
  ) {
    super();
  }
}
