import type { Actor } from '../../auth/principal';

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

/** What the claiming worker needs to start or resume the attempt. */
export interface ClaimView {
  requestId: string;
  cardId: string;
  serial: string;
  /** Attempts on this request so far, this one included. */
  attempt: number;
  /** The card was already bound to this request (an earlier attempt wrote to it). */
  resumed: boolean;
  state: string;
  /** Which management key the card should hold now, as far as the API knows. */
  managementKey: 'transport' | 'diversified';
  /** Name of the card stock's transport key batch (the key itself never crosses the API). */
  transportBatch: string;
  /** Steps completed on this card by earlier attempts. */
  stepsDone: string[];
  vscId: string;
}
