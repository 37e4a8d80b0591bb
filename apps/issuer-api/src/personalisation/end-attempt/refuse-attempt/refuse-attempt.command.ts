import { Command } from '@nestjs/cqrs';
import type { CardRefusalOutcome } from '@scm/personalisation';
import type { Actor } from '../../../trust/auth/principal';

/** The card refused a step (a status word, or a malformed answer): try it again, or leave it to an officer. */
export class RefuseAttemptCommand extends Command<CardRefusalOutcome> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly refusal: { step: string; sw: string | null; reason: string },
    readonly actor: Actor,
  ) {
    super();
  }
}
