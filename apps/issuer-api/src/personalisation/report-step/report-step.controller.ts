import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { callingWorker } from '../worker-principal';
import { ReportStepCommand } from './report-step.command';
import { StepDto } from './report-step.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class ReportStepController {
  constructor(private readonly commands: CommandBus) {}

  @Post('personalisation/:id/steps')
  @WorkerOnly()
  @HttpCode(204)
  @ApiOperation({ summary: 'A step report, when the worker channel is down' })
  async step(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: StepDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.commands.execute(
      new ReportStepCommand(callingWorker(p).id, { ...dto, requestId: id, ...(dto.steps ? { plan: true } : {}) }, actor),
    );
  }
}
