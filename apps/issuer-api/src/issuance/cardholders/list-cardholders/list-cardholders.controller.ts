import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { CardholderView } from '../cardholder';
import { SearchDto } from './list-cardholders.dto';
import { ListCardholdersQuery } from './list-cardholders.query';

@ApiTags('cardholders')
@ApiBearerAuth()
@Controller('api/v1/cardholders')
export class ListCardholdersController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'Cardholders, optionally matching ?q= (name, e-mail, UPN, organisation id)' })
  list(@Query() q: SearchDto): Promise<CardholderView[]> {
    return this.queries.execute(new ListCardholdersQuery({ search: q.q, limit: q.limit, offset: q.offset }));
  }
}
