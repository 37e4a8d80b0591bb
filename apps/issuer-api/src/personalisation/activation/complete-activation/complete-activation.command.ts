import { Command } from '@nestjs/cqrs';
import type { ActivationView } from '@scm/personalisation';
import type { Actor } from '../../../trust/auth/principal';
import type { CallingWorker } from '../../worker-principal';

/** What the worker reports once the cardholder typed the PIN: it is set on the card, or why not. */
export interface ActivationOutcome {
  ok: boolean;
  reason?: string;
}

/** The worker serving a session reports its outcome. */
export class CompleteActivationCommand extends Command<ActivationView> {
  constructor(
    readonly sessionId: string,
    readonly worker: CallingWorker,
    readonly outcome: ActivationOutcome,
    readonly actor: Actor,
  ) {
    super();
  }
}
