import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { hostOf } from '../../shared/principals';
import { CheckTemporaryCardQuery, type TemporaryCardStatus } from './check-temporary-card.query';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/temporary-cards')
export class CheckTemporaryCardController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/status')
  @WorkerOnly()
  @ApiOperation({ summary: 'Still to be served? (refused once revoked or expired)' })
  status(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal): Promise<TemporaryCardStatus> {
    return this.queries.execute(new CheckTemporaryCardQuery(id, hostOf(p)));
  }
}
