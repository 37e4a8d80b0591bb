import { Query } from '@nestjs/cqrs';
import type { ReportColumn } from '../report-definitions';

export interface ReportSummary {
  name: string;
  title: string;
  description: string;
  columns: ReportColumn[];
}

/** The reports an auditor can run. */
export class ListReportsQuery extends Query<ReportSummary[]> {}
