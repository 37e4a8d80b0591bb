import { Query } from '@nestjs/cqrs';
import type { ReportState } from '@scm/db';
import type { CardReportView } from '../card-report';

/** Card reports, newest first (at most 500), of one card (id or serial) and in one state when given. */
export class ListCardReportsQuery extends Query<CardReportView[]> {
  constructor(
    readonly card?: string,
    readonly state?: ReportState,
  ) {
    super();
  }
}
