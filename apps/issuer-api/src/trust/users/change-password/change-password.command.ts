import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../auth/principal';

/** A user changes their own password, proving the current one. */
export class ChangePasswordCommand extends Command<void> {
  constructor(
    readonly userId: string,
    readonly currentPassword: string,
    readonly newPassword: string,
    readonly actor: Actor,
    /** The session the change is made in: it stays open, every other session of the user ends. */
    readonly sessionId?: string,
  ) {
    super();
  }
}
