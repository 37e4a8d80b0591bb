import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { type RenderedReport, toCsv, toPdf } from '../report-render';
import { ReportQueryDto, reportFilterOf } from './run-report.dto';
import { RunReportQuery } from './run-report.query';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class RunReportController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':name')
  @Roles('auditor')
  @ApiOperation({
    summary: 'Run a report for a period and actor, as JSON, CSV or PDF (the PDF carries the audit chain head and its verification)',
  })
  async run(
    @Param('name') name: string,
    @Query() q: ReportQueryDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RenderedReport | StreamableFile> {
    const r = await this.queries.execute(new RunReportQuery(name, reportFilterOf(q), actor.actorName ?? actor.actor));
    const stamp = r.generatedAt.slice(0, 10);
    if (q.format === 'csv') {
      res.setHeader('Content-Disposition', `attachment; filename="scm-${r.name}-${stamp}.csv"`);
      return new StreamableFile(Buffer.from(toCsv(r), 'utf8'), { type: 'text/csv; charset=utf-8' });
    }
    if (q.format === 'pdf') {
      res.setHeader('Content-Disposition', `attachment; filename="scm-${r.name}-${stamp}.pdf"`);
      return new StreamableFile(await toPdf(r), { type: 'application/pdf' });
    }
    return r;
  }
}
