import type { ReportState } from '@scm/db';
import { InMemoryCardRepository } from '../../issuance/cards/in-memory-card.repository';
import type { CardReportRecord, CardReportViewRepository } from './card-report-views.repository';
import { InMemoryCardReportRepository } from './in-memory-card-report.repository';

/** The read model over a spec's in-memory reports and cards. */
export class InMemoryCardReportViewRepository implements CardReportViewRepository {
  constructor(
    readonly reports = new InMemoryCardReportRepository(),
    readonly cards = new InMemoryCardRepository(),
  ) {}

  async list(f: { cardId?: string; state?: ReportState }, limit: number): Promise<CardReportRecord[]> {
    return [...this.reports.rows.values()]
      .filter((r) => (!f.cardId || r.cardId === f.cardId) && (!f.state || r.state === f.state))
      .sort((a, b) => b.reportedAt.getTime() - a.reportedAt.getTime())
      .slice(0, limit)
      .flatMap((report) => {
        const card = this.cards.rows.get(report.cardId);
        return card ? [{ report: { ...report }, card: { ...card } }] : [];
      });
  }
}
