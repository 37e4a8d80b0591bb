import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';
import type { CardUpdateView } from '../card-update-view';

/** A running update stopped: the card left the reader (it resumes at the next insertion), or the card refused a command (it fails). */
export class StopCardUpdateCommand extends Command<CardUpdateView> {
  constructor(
    readonly updateId: string,
    readonly workerId: string,
    readonly outcome: 'interrupted' | 'refused',
    readonly reason: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
