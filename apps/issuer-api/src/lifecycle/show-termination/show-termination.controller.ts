import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import type { TerminationView } from '../termination-view';
import { ShowTerminationQuery } from './show-termination.query';

@ApiTags('cardholders')
@ApiBearerAuth()
@Controller('api/v1/cardholders')
export class ShowTerminationController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/termination')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: "A terminated cardholder: what the termination did, the retention period and the escrow's purge" })
  show(@Param('id', ParseUUIDPipe) id: string): Promise<TerminationView> {
    return this.queries.execute(new ShowTerminationQuery(id));
  }
}
