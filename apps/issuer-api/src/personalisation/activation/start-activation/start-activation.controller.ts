import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActivationView } from '@scm/personalisation';
import { Fresh, Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import { StartActivationCommand } from './start-activation.command';
import { StartActivationDto } from './start-activation.dto';

@ApiTags('personalisation')
@ApiBearerAuth()
@Controller('api/v1')
export class StartActivationController {
  constructor(private readonly commands: CommandBus) {}

  @Post('activations')
  @Roles('security-officer', 'help-desk')
  @Fresh()
  @ApiOperation({ summary: "After checking the cardholder's identity: let the cardholder set the PIN of an issued card at a workstation" })
  startActivation(@Body() dto: StartActivationDto, @CurrentActor() actor: Actor): Promise<ActivationView> {
    return this.commands.execute(new StartActivationCommand(dto.card, dto.workstation, dto.identityCheck, actor));
  }
}
