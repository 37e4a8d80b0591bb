import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';

/** The seal MAC (KEK in the HSM) over what the seal of a sealed version of this temporary card covers, for its host's consistency check. */
export class ComputeSealMacCommand extends Command<{ mac: string }> {
  constructor(
    readonly id: string,
    readonly host: { id: string },
    /** The content bytes before the seal. */
    readonly data: Buffer,
    readonly actor: Actor,
  ) {
    super();
  }
}
