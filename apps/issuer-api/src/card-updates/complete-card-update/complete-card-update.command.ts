import { Command } from '@nestjs/cqrs';
import type { CardUpdateProofs } from '@scm/personalisation';
import type { Actor } from '../../trust/auth/principal';
import type { CardUpdateView } from '../card-update-view';

/** The card's proofs that it holds the keys of its new certificates: the update ends. */
export class CompleteCardUpdateCommand extends Command<CardUpdateView> {
  constructor(
    readonly updateId: string,
    readonly workerId: string,
    readonly proofs: CardUpdateProofs,
    readonly actor: Actor,
  ) {
    super();
  }
}
