import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { ReissueView } from '../reissue-view';
import { ListReissuesDto } from './list-reissues.dto';
import { ListReissuesQuery } from './list-reissues.query';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/reissues')
export class ListReissuesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('help-desk', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'Reissues (newest first)' })
  list(@Query() q: ListReissuesDto): Promise<ReissueView[]> {
    return this.queries.execute(new ListReissuesQuery({ card: q.card, state: q.state }));
  }
}
