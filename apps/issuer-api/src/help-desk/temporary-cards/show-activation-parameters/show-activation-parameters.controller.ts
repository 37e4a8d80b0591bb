import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { type ActivationParameters, ShowActivationParametersQuery } from './show-activation-parameters.query';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/temporary-cards')
export class ShowActivationParametersController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/activation')
  @Roles('help-desk', 'security-officer')
  @ApiOperation({ summary: 'What the activating terminal needs to stretch the PIN (KDF parameters, PIN rules)' })
  activation(@Param('id', ParseUUIDPipe) id: string): Promise<ActivationParameters> {
    return this.queries.execute(new ShowActivationParametersQuery(id));
  }
}
