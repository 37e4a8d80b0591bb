import { Command } from '@nestjs/cqrs';
import type { CardProbe, ClaimView } from '@scm/personalisation';
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
  /** What the worker read of the card for its capabilities (GET VERSION), if it probed it. */
  probe?: CardProbe;
}

/** A blank card's answer to the HSM's transport-key challenge (POST /api/v1/worker/stock/proofs). */
export interface CardProof {
  proofId: string;
  /** E_K(challenge) as the card returned it. */
  response: Buffer;
}

/** A worker holding a card in one of its readers asks to personalise it for the request the API leased it. */
export class ClaimCardCommand extends Command<ClaimView> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly workstation: number,
    readonly card: CardInReader,
    readonly actor: Actor,
    /** Needed to bind a new card: its proof of the transport key of its stock. */
    readonly proof?: CardProof,
  ) {
    super();
  }
}
