import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { StepLogEntry } from '../progress-views.repository';
import { ShowStepsQuery } from './show-steps.query';

@ApiTags('personalisation')
@ApiBearerAuth()
@Controller('api/v1')
export class ShowStepsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('personalisation/requests/:id/steps')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: "The step log of a request's personalisation attempts" })
  steps(@Param('id', ParseUUIDPipe) id: string): Promise<StepLogEntry[]> {
    return this.queries.execute(new ShowStepsQuery(id));
  }
}
