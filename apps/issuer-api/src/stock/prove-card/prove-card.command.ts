import { Command } from '@nestjs/cqrs';
import type { CardProofChallenge } from '@scm/personalisation';
import type { Actor } from '../../trust/auth/principal';
export type { CardProofChallenge } from '@scm/personalisation';

/** A worker holding a blank card asks the HSM to answer the card's transport-key witness, before it may claim the card. */
export class ProveCardCommand extends Command<CardProofChallenge> {
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
