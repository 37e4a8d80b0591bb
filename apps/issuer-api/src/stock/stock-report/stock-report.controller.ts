import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import { type StockReport, StockReportQuery } from './stock-report.query';

@ApiTags('stock')
@ApiBearerAuth()
@Controller('api/v1/stock/report')
export class StockReportController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'Card stock counted per batch and state' })
  report(): Promise<StockReport> {
    return this.queries.execute(new StockReportQuery());
  }
}
