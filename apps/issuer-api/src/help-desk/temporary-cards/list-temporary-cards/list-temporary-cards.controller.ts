import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { TemporaryCardView } from '../temporary-card-view';
import { ListTemporaryCardsDto } from './list-temporary-cards.dto';
import { ListTemporaryCardsQuery } from './list-temporary-cards.query';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/temporary-cards')
export class ListTemporaryCardsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('help-desk', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'Temporary cards (newest first)' })
  list(@Query() q: ListTemporaryCardsDto): Promise<TemporaryCardView[]> {
    return this.queries.execute(new ListTemporaryCardsQuery({ cardholderId: q.cardholder, card: q.card, state: q.state }));
  }
}
