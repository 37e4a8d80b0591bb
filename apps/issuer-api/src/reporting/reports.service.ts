import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../trust/audit/audit.service';
import { ApiError, ApiErrorCode } from '../platform/http/api-errors';
import { REPORTS, type ReportFilter } from './report-definitions';
import type { RenderedReport } from './report-render';

/** Runs the auditor's reports and stamps each with the audit chain head and its verification. */
@Injectable()
export class ReportsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  list() {
    return REPORTS.map((r) => ({ name: r.name, title: r.title, description: r.description, columns: r.columns }));
  }

  async run(name: string, filter: ReportFilter, generatedBy: string): Promise<RenderedReport> {
    const def = REPORTS.find((r) => r.name === name);
    if (!def) throw new ApiError(ApiErrorCode.NotFound, `no report "${name}"; reports: ${REPORTS.map((r) => r.name).join(', ')}`);
    if (filter.from && filter.to && filter.from >= filter.to) throw new ApiError(ApiErrorCode.Invalid, 'from must be before to');
    const rows = await def.run(this.ds, filter);
    // The head the report stands on is signed first, so the verification covers all of it.
    await this.audit.checkpoint().catch(() => undefined);
    const rep = await this.audit.verify();
    return {
      name: def.name,
      title: def.title,
      generatedAt: new Date().toISOString(),
      generatedBy,
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
