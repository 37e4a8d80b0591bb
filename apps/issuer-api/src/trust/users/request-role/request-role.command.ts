import { Command } from '@nestjs/cqrs';
import type { Role } from '@scm/db';
import type { Actor } from '../../auth/principal';

/** An admin asks for a role for an account; it takes effect when a second admin approves. */
export class RequestRoleCommand extends Command<{ userRoleId: string; approvalId: string }> {
  constructor(
    readonly userId: string,
    readonly role: Role,
    /** The requesting admin's user id (never their approver). */
    readonly requestedBy: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
