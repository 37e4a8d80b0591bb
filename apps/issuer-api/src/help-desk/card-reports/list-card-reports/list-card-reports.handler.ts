import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { HELPDESK_CARD_REPOSITORY, type HelpdeskCardRepository } from '../../shared/help-desk-card.repository';
import { type CardReportView, toCardReportView } from '../card-report';
import { CARD_REPORT_VIEW_REPOSITORY, type CardReportViewRepository } from '../card-report-views.repository';
import { ListCardReportsQuery } from './list-card-reports.query';

const LIMIT = 500;

@QueryHandler(ListCardReportsQuery)
export class ListCardReportsHandler implements IQueryHandler<ListCardReportsQuery, CardReportView[]> {
  constructor(
    @Inject(HELPDESK_CARD_REPOSITORY) private readonly cards: HelpdeskCardRepository,
    @Inject(CARD_REPORT_VIEW_REPOSITORY) private readonly reports: CardReportViewRepository,
  ) {}

  async execute(q: ListCardReportsQuery): Promise<CardReportView[]> {
    let cardId: string | undefined;
    if (q.card) {
      const found = await this.cards.find(q.card);
      if (!found) return [];
      cardId = found.card.id;
    }
    const records = await this.reports.list({ cardId, state: q.state }, LIMIT);
    return records.map((r) => toCardReportView(r.report, r.card));
  }
}
