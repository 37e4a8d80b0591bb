import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';
import type { CardReportView } from '../card-report';

/** A reported card is back. */
export class CardFoundCommand extends Command<CardReportView> {
  constructor(
    /** The card's id or serial. */
    readonly card: string,
    readonly comment: string | undefined,
    readonly actor: Actor,
  ) {
    super();
  }
}
