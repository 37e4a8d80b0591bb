import { Query } from '@nestjs/cqrs';
import type { ReportFilter } from '../report-definitions';
import type { RenderedReport } from '../report-render';

/** Runs a report for a period and actor, stamped with the audit chain head and its verification. */
export class RunReportQuery extends Query<RenderedReport> {
  constructor(
    readonly name: string,
    readonly filter: ReportFilter,
    /** Who asked (their username, else their actor id), printed on the report. */
    readonly generatedBy: string,
  ) {
    super();
  }
}
