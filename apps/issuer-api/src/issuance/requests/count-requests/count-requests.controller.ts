import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { CountRequestsQuery, type RequestCounts } from './count-requests.query';

@ApiTags('issuance')
@ApiBearerAuth()
@Controller('api/v1')
export class CountRequestsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('issuance-request-counts')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'How many requests are in each state (every state named)' })
  counts(): Promise<RequestCounts> {
    return this.queries.execute(new CountRequestsQuery());
  }
}
