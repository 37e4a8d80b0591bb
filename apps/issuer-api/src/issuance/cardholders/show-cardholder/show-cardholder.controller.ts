import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { CardholderView } from '../cardholder';
import { ShowCardholderQuery } from './show-cardholder.query';

@ApiTags('cardholders')
@ApiBearerAuth()
@Controller('api/v1/cardholders')
export class ShowCardholderController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'One cardholder' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<CardholderView> {
    return this.queries.execute(new ShowCardholderQuery(id));
  }
}
