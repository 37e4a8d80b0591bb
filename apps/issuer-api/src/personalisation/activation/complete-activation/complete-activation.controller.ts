import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActivationView } from '@scm/personalisation';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { callingWorker } from '../../worker-principal';
import { CompleteActivationCommand } from './complete-activation.command';
import { ActivationOutcomeDto } from './complete-activation.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class CompleteActivationController {
  constructor(private readonly commands: CommandBus) {}

  @Post('activations/:id/complete')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The PIN the cardholder typed is set on the card (or why not): the card becomes active' })
  complete(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ActivationOutcomeDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<ActivationView> {
    return this.commands.execute(new CompleteActivationCommand(id, callingWorker(p), dto, actor));
  }
}
