import type { Actor, Principal } from '../principal';

export class LogoutCommand {
  constructor(
    readonly principal: Principal,
    readonly actor: Actor,
  ) {}
}
