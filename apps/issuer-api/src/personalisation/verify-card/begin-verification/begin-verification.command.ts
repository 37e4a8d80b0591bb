import { Command } from '@nestjs/cqrs';
import type { VerificationChallenge } from '@scm/personalisation';
import type { Actor } from '../../../trust/auth/principal';
export type { VerificationChallenge } from '@scm/personalisation';

/** The claiming worker starts proving the keys on the card. */
export class BeginVerificationCommand extends Command<VerificationChallenge> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
