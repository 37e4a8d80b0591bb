import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActivationView } from '@scm/personalisation';
import { Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import { CancelActivationCommand } from './cancel-activation.command';

@ApiTags('personalisation')
@ApiBearerAuth()
@Controller('api/v1')
export class CancelActivationController {
  constructor(private readonly commands: CommandBus) {}

  @Post('activations/:id/cancel')
  @Roles('security-officer', 'help-desk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an open activation session' })
  cancelActivation(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<ActivationView> {
    return this.commands.execute(new CancelActivationCommand(id, actor));
  }
}
