import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import { type StockBatchDetail, ShowStockBatchQuery } from './show-batch.query';

@ApiTags('stock')
@ApiBearerAuth()
@Controller('api/v1/stock/batches')
export class ShowStockBatchController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':name')
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'One stock batch and its cards, each with its state' })
  show(@Param('name') name: string): Promise<StockBatchDetail> {
    return this.queries.execute(new ShowStockBatchQuery(name));
  }
}
