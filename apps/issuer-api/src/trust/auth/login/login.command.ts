import { Command } from '@nestjs/cqrs';
import type { Actor } from '../principal';

export interface LoginResult {
  token: string;
  expiresAt: string;
  idleExpiresAt: string;
  user: { id: string; username: string; displayName: string; roles: string[] };
}

/** Log in with username and password; a session token comes back. */
export class LoginCommand extends Command<LoginResult> {
  constructor(
    readonly username: string,
    readonly password: string,
    readonly actor: Actor,
    readonly userAgent: string | null,
  ) {
    super();
  }
}
