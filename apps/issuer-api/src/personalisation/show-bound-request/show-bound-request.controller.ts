import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { SERIAL } from '../worker-principal';
import { type BoundRequest, ShowBoundRequestQuery } from './show-bound-request.query';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class ShowBoundRequestController {
  constructor(private readonly queries: QueryBus) {}

  @Get('personalisation/cards/:serial')
  @WorkerOnly()
  @ApiOperation({ summary: 'The request that waits for this card (a card put back after it was pulled out)' })
  bound(@Param('serial') serial: string): Promise<BoundRequest> {
    return this.queries.execute(new ShowBoundRequestQuery(SERIAL.test(serial) ? serial : '-'));
  }
}
