import type { ReportState } from '@scm/db';
import type { Card } from '../../issuance/cards/card.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardReport } from './card-report.repository';

/** A report with the card it is about. */
export interface CardReportRecord {
  report: CardReport;
  card: Card;
}

/** The read model of card reports: newest first, by card and state. */
export interface CardReportViewRepository {
  list(filter: { cardId?: string; state?: ReportState }, limit: number, tx?: TxScope): Promise<CardReportRecord[]>;
}

export const CARD_REPORT_VIEW_REPOSITORY = Symbol('CardReportViewRepository');
