import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import { ListReportsQuery, type ReportSummary } from './list-reports.query';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class ListReportsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('auditor')
  @ApiOperation({ summary: 'The reports an auditor can run' })
  list(): Promise<ReportSummary[]> {
    return this.queries.execute(new ListReportsQuery());
  }
}
