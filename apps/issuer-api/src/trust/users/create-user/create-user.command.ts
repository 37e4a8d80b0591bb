import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../auth/principal';
import type { UserView } from '../user-view';

/** An admin creates an account; it holds no role until a grant is approved. */
export class CreateUserCommand extends Command<UserView> {
  constructor(
    readonly username: string,
    readonly displayName: string,
    readonly password: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
