import { Command } from '@nestjs/cqrs';
import type { CardLeaseView, CardPresence } from '@scm/personalisation';
import type { Actor } from '../../../trust/auth/principal';
export type { CardLeaseView, CardPresence } from '@scm/personalisation';

/** A worker reports a card in one of its readers and asks for a card job for it. */
export class LeaseCardJobCommand extends Command<CardLeaseView> {
  constructor(
    readonly workerId: string,
    readonly workstation: number,
    readonly card: CardPresence,
    readonly actor: Actor,
  ) {
    super();
  }
}
