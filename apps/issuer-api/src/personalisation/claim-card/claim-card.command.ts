import { Command } from '@nestjs/cqrs';
import type { ClaimView } from '@scm/personalisation';
import type { Actor } from '../../trust/auth/principal';
export type { ClaimView } from '@scm/personalisation';

/** The card a worker holds in one of its readers, as it reports it. */
export interface CardInReader {
  /** The card's serial as it reports it (Yubico GET SERIAL, decimal). */
  serial: string;
  /** ATR, upper-case hex. */
  atr: string;
  /** The GUID of the CHUID the card holds now, if any (a blank card has none). */
  guid?: string;
}

/** A worker holding a card in one of its readers asks to personalise it for the request the API leased it. */
export class ClaimCardCommand extends Command<ClaimView> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly workstation: number,
    readonly card: CardInReader,
    readonly actor: Actor,
  ) {
    super();
  }
}
