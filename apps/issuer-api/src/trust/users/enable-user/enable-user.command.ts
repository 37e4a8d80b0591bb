import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../auth/principal';

/** An admin enables a disabled account (its old sessions stay ended). */
export class EnableUserCommand extends Command<void> {
  constructor(
    readonly userId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
