import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';
import type { CardUpdateView } from '../card-update-view';

/** An officer cancels an update that never started on the card. */
export class CancelCardUpdateCommand extends Command<CardUpdateView> {
  constructor(
    readonly id: string,
    readonly reason: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
