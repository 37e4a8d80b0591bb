import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { CardReportView } from '../card-report';
import { ListReportsDto } from './list-card-reports.dto';
import { ListCardReportsQuery } from './list-card-reports.query';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/card-reports')
export class ListCardReportsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('help-desk', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'Card reports (newest first)' })
  list(@Query() q: ListReportsDto): Promise<CardReportView[]> {
    return this.queries.execute(new ListCardReportsQuery(q.card, q.state));
  }
}
