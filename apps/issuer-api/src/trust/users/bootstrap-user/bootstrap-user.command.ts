import { Command } from '@nestjs/cqrs';
import type { Role } from '@scm/db';
import type { Actor } from '../../auth/principal';
import type { UserView } from '../user-view';

/**
 * The bootstrap of the first accounts, run on the SCM host itself (`bin/scm admin create-user`):
 * an account with active roles and no approval. Never reachable over HTTP.
 */
export class BootstrapUserCommand extends Command<UserView> {
  constructor(
    readonly username: string,
    readonly displayName: string | undefined,
    readonly password: string,
    readonly roles: readonly Role[],
    readonly actor: Actor,
  ) {
    super();
  }
}
