import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../auth/principal';

/** A nonce for a worker to sign (valid 60 s, once). */
export class IssueChallengeCommand extends Command<{ nonce: string }> {
  constructor(
    readonly workerId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
