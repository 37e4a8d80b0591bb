import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import { ListStockBatchesQuery, type StockBatchView } from './list-batches.query';

@ApiTags('stock')
@ApiBearerAuth()
@Controller('api/v1/stock/batches')
export class ListStockBatchesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'Registered card stock batches, their cards counted by state' })
  list(): Promise<StockBatchView[]> {
    return this.queries.execute(new ListStockBatchesQuery());
  }
}
