import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';
import type { TerminationView } from '../termination-view';

/** An officer terminates a cardholder (a leaver): every card and credential ends at once. */
export class TerminateCardholderCommand extends Command<TerminationView> {
  constructor(
    readonly cardholderId: string,
    readonly reason: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
