import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Clock } from '../../platform/infra/clock.port';
import { CLOCK } from '../../platform/infra/tokens';
import { AuditService } from '../../trust/audit/audit.service';
import { checkPeriod, reportNamed } from '../report-definitions';
import type { RenderedReport } from '../report-render';
import { REPORT_VIEWS_REPOSITORY, type ReportViewsRepository } from '../report-views.repository';
import { RunReportQuery } from './run-report.query';

@QueryHandler(RunReportQuery)
export class RunReportHandler implements IQueryHandler<RunReportQuery, RenderedReport> {
  constructor(
    @Inject(REPORT_VIEWS_REPOSITORY) private readonly views: ReportViewsRepository,
    @Inject(AuditService) private readonly audit: Pick<AuditService, 'checkpoint' | 'verify'>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(q: RunReportQuery): Promise<RenderedReport> {
    const def = reportNamed(q.name);
    const filter = q.filter;
    checkPeriod(filter);
    const rows = await def.run(this.views, filter);
    // The head the report stands on is signed first, so the verification covers all of it.
    await this.audit.checkpoint().catch(() => undefined);
    const rep = await this.audit.verify();
    return {
      name: def.name,
      title: def.title,
      generatedAt: this.clock.now().toISOString(),
      generatedBy: q.generatedBy,
      filter: { from: filter.from?.toISOString() ?? null, to: filter.to?.toISOString() ?? null, actor: filter.actor ?? null },
      columns: def.columns,
      rows,
      chain: {
        headSeq: rep.head.seq,
        headHash: rep.head.hash,
        verified: rep.ok,
        latestCheckpoint: rep.latestCheckpoint?.seq ?? null,
        broken: rep.broken ? `event ${rep.broken.seq}: ${rep.broken.reason}` : null,
        problems: rep.problems,
      },
    };
  }
}
