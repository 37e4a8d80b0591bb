import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { type CardView, ShowCardQuery } from './show-card.query';

@ApiTags('cards')
@ApiBearerAuth()
@Controller('api/v1/cards')
export class ShowCardController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'A card: its state, binding and history' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<CardView> {
    return this.queries.execute(new ShowCardQuery(id));
  }
}
