import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { ListDto } from './list-requests.dto';
import { ListRequestsQuery, type RequestSummary } from './list-requests.query';

@ApiTags('issuance')
@ApiBearerAuth()
@Controller('api/v1')
export class ListRequestsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('issuance-requests')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'Requests, newest first (?batch=, ?cardholder=, ?state=; paged with ?limit= and ?offset=)' })
  list(@Query() q: ListDto): Promise<RequestSummary[]> {
    return this.queries.execute(
      new ListRequestsQuery({ batchId: q.batch, cardholderId: q.cardholder, state: q.state, limit: q.limit, offset: q.offset }),
    );
  }
}
