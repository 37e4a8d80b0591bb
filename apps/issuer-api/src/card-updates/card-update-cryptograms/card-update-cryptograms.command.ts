import { Command } from '@nestjs/cqrs';
import type { CryptogramsView } from '@scm/personalisation';
import type { Actor } from '../../trust/auth/principal';

/** The HSM's side of mutual authentication with the card's diversified management key, for a running update. */
export class CardUpdateCryptogramsCommand extends Command<CryptogramsView> {
  constructor(
    readonly updateId: string,
    readonly workerId: string,
    readonly encryptedWitness: Buffer,
    readonly actor: Actor,
  ) {
    super();
  }
}
