import type { CardReportEntity, ReportState } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A report that a card is lost, stolen, damaged or left at home (one row of card_report). */
export type CardReport = CardReportEntity;

/** The card report aggregate's storage. A card has at most one open report. */
export interface CardReportRepository {
  insert(tx: TxScope, report: CardReport): Promise<void>;
  /** The card's open report, locked for the rest of the transaction. */
  lockOpen(tx: TxScope, cardId: string): Promise<CardReport | undefined>;
  /** The card's open report. */
  openOf(cardId: string, tx: TxScope): Promise<CardReport | undefined>;
  /** Closes a report as `closed` (replaced by another, or the card was replaced) or `found`, by `by`, now. */
  close(tx: TxScope, id: string, state: Exclude<ReportState, 'open'>, by: string): Promise<void>;
  /** Closes the card's open report, if it has one. */
  closeOpenOf(tx: TxScope, cardId: string, by: string): Promise<void>;
}

export const CARD_REPORT_REPOSITORY = Symbol('CardReportRepository');
