import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';

export interface SpoiledView {
  cardId: string;
  serial: string;
  requestId: string | null;
  /** The new escrowed VSC version whose keys the next card gets. */
  vscVersion: number | null;
  revokedCertificates: string[];
  /** `waiting`: the request let go of the card and waits in the pool of card jobs for the next blank card. */
  job: 'waiting' | 'unchanged';
}

/** An officer declares a card spoiled (pulled out mid-personalisation and abandoned). */
export class SpoilCardCommand extends Command<SpoiledView> {
  constructor(
    readonly serial: string,
    readonly reason: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
