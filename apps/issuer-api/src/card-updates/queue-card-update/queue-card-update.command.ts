import { Command } from '@nestjs/cqrs';
import type { CardUpdateKind } from '@scm/db';
import type { Actor } from '../../trust/auth/principal';
import type { CardUpdateView } from '../card-update-view';

/** An officer queues an update for an issued or active card. */
export class QueueCardUpdateCommand extends Command<CardUpdateView> {
  constructor(
    readonly serial: string,
    readonly kind: CardUpdateKind,
    readonly reason: string,
    readonly params: { slot?: string; tag?: number; value?: Buffer },
    readonly actor: Actor,
  ) {
    super();
  }
}
