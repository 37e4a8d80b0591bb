import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { ReissueView } from '../reissue-view';
import { ShowReissueQuery } from './show-reissue.query';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/reissues')
export class ShowReissueController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @Roles('help-desk', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'A reissue: the old card, the new request and card' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ReissueView> {
    return this.queries.execute(new ShowReissueQuery(id));
  }
}
