import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActivationView } from '@scm/personalisation';
import { Roles } from '../../../trust/auth/access.decorator';
import { ShowActivationQuery } from './show-activation.query';

@ApiTags('personalisation')
@ApiBearerAuth()
@Controller('api/v1')
export class ShowActivationController {
  constructor(private readonly queries: QueryBus) {}

  @Get('activations/:id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'An activation session and its outcome' })
  showActivation(@Param('id', ParseUUIDPipe) id: string): Promise<ActivationView> {
    return this.queries.execute(new ShowActivationQuery(id));
  }
}
