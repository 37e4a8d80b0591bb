import { Command } from '@nestjs/cqrs';
import type { ProofsInput } from '@scm/personalisation';
import type { Actor } from '../../../trust/auth/principal';

/** What the card answered to the challenge; proved, its request and card are issued. */
export interface ProvedCard {
  state: 'issued';
  cardId: string;
  serial: string;
}

/** The claiming worker sends the card's signatures (and its answer to the key-management test). */
export class SubmitProofsCommand extends Command<ProvedCard> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly proofs: ProofsInput,
    readonly actor: Actor,
  ) {
    super();
  }
}
