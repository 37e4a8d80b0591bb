import { Controller, Get, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActivationView } from '@scm/personalisation';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { callingWorker, SERIAL } from '../../worker-principal';
import { PromptActivationCommand } from './prompt-activation.command';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class PromptActivationController {
  constructor(private readonly commands: CommandBus) {}

  @Get('activations')
  @WorkerOnly()
  @ApiOperation({ summary: "The open activation of a card at this worker's workstation" })
  activation(@Query('serial') serial: string, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<ActivationView> {
    return this.commands.execute(new PromptActivationCommand(SERIAL.test(serial ?? '') ? serial : '-', callingWorker(p), actor));
  }
}
