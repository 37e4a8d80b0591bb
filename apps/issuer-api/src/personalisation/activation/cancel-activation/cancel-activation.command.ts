import { Command } from '@nestjs/cqrs';
import type { ActivationView } from '@scm/personalisation';
import type { Actor } from '../../../trust/auth/principal';

/** An officer cancels an open activation session. */
export class CancelActivationCommand extends Command<ActivationView> {
  constructor(
    readonly sessionId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
