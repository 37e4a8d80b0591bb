import { Command } from '@nestjs/cqrs';
import type { Role } from '@scm/db';
import type { Actor } from '../../auth/principal';

/** An admin revokes a role, or withdraws a grant still pending. */
export class RevokeRoleCommand extends Command<void> {
  constructor(
    readonly userId: string,
    readonly role: Role,
    readonly actor: Actor,
  ) {
    super();
  }
}
