import { Command } from '@nestjs/cqrs';
import type { CryptogramsView } from '@scm/personalisation';
import type { Actor } from '../../../trust/auth/principal';
export type { CryptogramsView } from '@scm/personalisation';

/**
 * Mutual authentication, step 2: the card's encrypted witness, for the HSM to answer with the
 * card's diversified key, or with the transport key of its stock (a bound card not yet switched).
 */
export class ComputeCryptogramsCommand extends Command<CryptogramsView> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly encryptedWitness: Buffer,
    readonly actor: Actor,
    readonly key: 'diversified' | 'transport' = 'diversified',
  ) {
    super();
  }
}
