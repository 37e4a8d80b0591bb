import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';
import type { CardReportView, ReportReason } from '../card-report';

/** The help desk reports a card lost, stolen, damaged or left at home. */
export class ReportCardCommand extends Command<CardReportView> {
  constructor(
    /** The card's id or serial. */
    readonly card: string,
    readonly reason: ReportReason,
    /** What the cardholder said (audited; no secrets). */
    readonly comment: string | undefined,
    readonly actor: Actor,
  ) {
    super();
  }
}
