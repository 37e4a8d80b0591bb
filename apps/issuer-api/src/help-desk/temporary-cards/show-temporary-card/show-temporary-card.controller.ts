import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { TemporaryCardView } from '../temporary-card-view';
import { ShowTemporaryCardQuery } from './show-temporary-card.query';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/temporary-cards')
export class ShowTemporaryCardController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @Roles('help-desk', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'A temporary card: state, host, expiry, PIN tries left, its certificates' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<TemporaryCardView> {
    return this.queries.execute(new ShowTemporaryCardQuery(id));
  }
}
