import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { ShowRequestQuery, type RequestView } from './show-request.query';

@ApiTags('issuance')
@ApiBearerAuth()
@Controller('api/v1')
export class ShowRequestController {
  constructor(private readonly queries: QueryBus) {}

  @Get('issuance-requests/:id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'A request: state, history, VSC and certificates per slot' })
  show(@Param('id', ParseUUIDPipe) id: string): Promise<RequestView> {
    return this.queries.execute(new ShowRequestQuery(id));
  }
}
