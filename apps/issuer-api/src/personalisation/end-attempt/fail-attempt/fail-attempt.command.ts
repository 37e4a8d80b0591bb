import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';

/** The card cannot carry the profile: the worker gives up on the request. */
export class FailAttemptCommand extends Command<{ state: string }> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly reason: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
