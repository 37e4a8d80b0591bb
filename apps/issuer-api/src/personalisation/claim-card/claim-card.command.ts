import type { Actor } from '../../trust/auth/principal';
export type { ClaimView } from '@scm/personalisation';

/** A worker holding a card in one of its readers asks to personalise it for a request. */
export class ClaimCardCommand {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly card: {
      /** The card's serial as it reports it (Yubico GET SERIAL, decimal). */
      serial: string;
      /** ATR, upper-case hex. */
      atr: string;
      /** The GUID of the CHUID the card holds now, if any (a blank card has none). */
      guid?: string;
    },
    readonly actor: Actor,
  ) {}
}
