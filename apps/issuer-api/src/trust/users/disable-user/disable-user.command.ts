import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../auth/principal';

/** An admin disables an account; its sessions end at once. */
export class DisableUserCommand extends Command<void> {
  constructor(
    readonly userId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
