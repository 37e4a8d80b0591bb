import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';
import type { CardUpdateView } from '../card-update-view';

/** An officer approves a renewal the expiry sweep queued (the profile renews on approval). */
export class ApproveCardUpdateCommand extends Command<CardUpdateView> {
  constructor(
    readonly id: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
