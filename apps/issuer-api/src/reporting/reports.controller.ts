import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { Roles } from '../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../trust/auth/principal';
import { type RenderedReport, toCsv, toPdf } from './report-render';
import { ReportsService } from './reports.service';

export class ReportQueryDto {
  @IsOptional() @IsDateString() from?: string;
  @IsOptional() @IsDateString() to?: string;
  @IsOptional() @IsString() @MaxLength(200) actor?: string;
  @IsOptional() @IsIn(['json', 'csv', 'pdf']) format?: 'json' | 'csv' | 'pdf';
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @Roles('auditor')
  @ApiOperation({ summary: 'The reports an auditor can run' })
  list() {
    return this.reports.list();
  }

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
    const r = await this.reports.run(
      name,
      { from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, actor: q.actor },
      actor.actorName ?? actor.actor,
    );
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
