import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { type BatchView, ShowBatchQuery } from './show-batch.query';

@ApiTags('issuance')
@ApiBearerAuth()
@Controller('api/v1')
export class ShowBatchController {
  constructor(private readonly queries: QueryBus) {}

  @Get('issuance-batches/:id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'A batch: its size and how many requests are in each state' })
  showBatch(@Param('id', ParseUUIDPipe) id: string): Promise<BatchView> {
    return this.queries.execute(new ShowBatchQuery(id));
  }
}
