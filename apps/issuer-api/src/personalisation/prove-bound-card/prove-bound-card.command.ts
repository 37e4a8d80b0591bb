import { Command } from '@nestjs/cqrs';
import type { CardProofChallenge } from '@scm/personalisation';
import type { Actor } from '../../trust/auth/principal';

/**
 * A worker holding the card a request is bound to proves it holds the card's diversified management
 * key (the HSM's challenge), before it may take the request over.
 */
export class ProveBoundCardCommand extends Command<CardProofChallenge> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly serial: string,
    readonly algorithm: string,
    readonly encryptedWitness: Buffer,
    readonly actor: Actor,
  ) {
    super();
  }
}
