import type { Actor } from '../principal';

export class LoginCommand {
  constructor(
    readonly username: string,
    readonly password: string,
    readonly actor: Actor,
    readonly userAgent: string | null,
  ) {}
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  idleExpiresAt: string;
  user: { id: string; username: string; displayName: string; roles: string[] };
}
