import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from '../trust/audit/audit.module';
import { ListReportsController } from './list-reports/list-reports.controller';
import { ListReportsHandler } from './list-reports/list-reports.handler';
import { PgReportViewsRepository } from './pg-report-views.repository';
import { REPORT_VIEWS_REPOSITORY } from './report-views.repository';
import { RunReportController } from './run-report/run-report.controller';
import { RunReportHandler } from './run-report/run-report.handler';

/** The auditor's reports: listed, and run as JSON, CSV or PDF stamped with the audit chain head. */
@Module({
  imports: [CqrsModule, AuditModule],
  controllers: [ListReportsController, RunReportController],
  providers: [{ provide: REPORT_VIEWS_REPOSITORY, useClass: PgReportViewsRepository }, ListReportsHandler, RunReportHandler],
})
export class ReportsModule {}
