import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { REPORTS } from '../report-definitions';
import { ListReportsQuery, type ReportSummary } from './list-reports.query';

@QueryHandler(ListReportsQuery)
export class ListReportsHandler implements IQueryHandler<ListReportsQuery, ReportSummary[]> {
  async execute(_q: ListReportsQuery): Promise<ReportSummary[]> {
    return REPORTS.map((r) => ({ name: r.name, title: r.title, description: r.description, columns: r.columns }));
  }
}
