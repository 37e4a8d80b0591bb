import { Command } from '@nestjs/cqrs';
import type { PersonalisationPackage } from '@scm/personalisation';
import type { Actor } from '../../trust/auth/principal';
export type { PersonalisationPackage } from '@scm/personalisation';

/** The claiming worker asks for what it writes onto the card: objects, certificates, and the key material wrapped for it. */
export class ReleaseKeyMaterialCommand extends Command<PersonalisationPackage> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
