import { Command } from '@nestjs/cqrs';
import type { Actor, Principal } from '../principal';

/** Ends the caller's session. */
export class LogoutCommand extends Command<void> {
  constructor(
    readonly principal: Principal,
    readonly actor: Actor,
  ) {
    super();
  }
}
