import { Command } from '@nestjs/cqrs';
import type { CardUpdateOffer } from '@scm/personalisation';
import type { Actor } from '../../trust/auth/principal';

/** A worker presents an issued card (serial, CHUID GUID): the API answers with the card's update to run now, if any. */
export class OfferCardUpdateCommand extends Command<CardUpdateOffer> {
  constructor(
    readonly workerId: string,
    readonly serial: string,
    readonly guid: string | undefined,
    readonly actor: Actor,
  ) {
    super();
  }
}
