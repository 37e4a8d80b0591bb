import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { CardState, CardStateRule } from '../card-lifecycle';
import { ShowCardLifecycleQuery } from './show-card-lifecycle.query';

/** Registered before ShowCardController: its fixed path must win over `cards/:id`. */
@ApiTags('cards')
@ApiBearerAuth()
@Controller('api/v1/cards')
export class ShowCardLifecycleController {
  constructor(private readonly queries: QueryBus) {}

  @Get('lifecycle')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'The card lifecycle: states, allowed transitions and their effect on certificates' })
  lifecycle(): Promise<Readonly<Record<CardState, CardStateRule>>> {
    return this.queries.execute(new ShowCardLifecycleQuery());
  }
}
