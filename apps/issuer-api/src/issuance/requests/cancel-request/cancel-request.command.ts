import type { Actor } from '../../../trust/auth/principal';

/** An officer withdraws a request before a card is claimed for it. */
export class CancelRequestCommand {
  constructor(
    readonly requestId: string,
    readonly actor: Actor,
    readonly reason?: string,
  ) {}
}
