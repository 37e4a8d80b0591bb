import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';

export interface RetriedView {
  id: string;
  state: string;
  /** The card the request waits for again. */
  serial: string | null;
  /** The card's refusal the officer overrode. */
  refused: { step: string | null; sw: string | null; refusals: number };
  job: string;
}

/** An officer lets a failed-card request try its card again (after checking the card, the reader, the stock). */
export class RetryCardCommand extends Command<RetriedView> {
  constructor(
    readonly requestId: string,
    readonly reason: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
