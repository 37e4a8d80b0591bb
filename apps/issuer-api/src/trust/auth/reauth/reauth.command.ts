import { Command } from '@nestjs/cqrs';
import type { Actor, Principal } from '../principal';

/** Confirms the password of the session's user, refreshing the session for sensitive actions. */
export class ReauthCommand extends Command<{ reauthenticatedAt: string }> {
  constructor(
    readonly principal: Extract<Principal, { kind: 'user' }>,
    readonly password: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
