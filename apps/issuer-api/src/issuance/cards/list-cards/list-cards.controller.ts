import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { ListCardsDto } from './list-cards.dto';
import { type CardSummary, ListCardsQuery } from './list-cards.query';

@ApiTags('cards')
@ApiBearerAuth()
@Controller('api/v1/cards')
export class ListCardsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'Cards, newest first (?q= serial or cardholder, ?state=; paged with ?limit= and ?offset=)' })
  list(@Query() q: ListCardsDto): Promise<CardSummary[]> {
    return this.queries.execute(
      new ListCardsQuery({ search: q.q?.trim() || undefined, state: q.state, limit: q.limit ?? 50, offset: q.offset ?? 0 }),
    );
  }
}
