import { Command } from '@nestjs/cqrs';
import type { WrappedKeyMaterial } from '@scm/personalisation';
import type { Actor } from '../../../trust/auth/principal';

/** The claiming worker asks for the card's diversified management key, for SET MANAGEMENT KEY. */
export class ReleaseManagementKeyCommand extends Command<WrappedKeyMaterial> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
