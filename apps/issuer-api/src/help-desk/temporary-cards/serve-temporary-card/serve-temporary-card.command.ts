import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';

/** What the serving host gets: the sealed content (opening it needs the HSM, through the API) and the state the API keeps. */
export interface HostedTemporaryCard {
  id: string;
  label: string;
  version: number;
  content: string;
  expiresAt: string;
  state: {
    sequence: number;
    status: 'active';
    pin: { remaining: number; total: number };
    puk: { remaining: number; total: number };
    expiresAt: number;
  };
}

/** The card's own host fetches the sealed content and state of an active temporary card to serve it (audited). */
export class ServeTemporaryCardCommand extends Command<HostedTemporaryCard> {
  constructor(
    readonly id: string,
    readonly host: { id: string },
    readonly actor: Actor,
  ) {
    super();
  }
}
