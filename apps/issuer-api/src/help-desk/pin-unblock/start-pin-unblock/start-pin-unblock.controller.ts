import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import { type PinUnblockView, StartPinUnblockCommand } from './start-pin-unblock.command';
import { StartUnblockDto } from './start-pin-unblock.dto';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/pin-unblocks')
export class StartPinUnblockController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @ApiOperation({
    summary:
      'After an identity check, let the cardholder choose a new PIN at a workstation; its worker sets it with the escrowed PUK (never shown)',
  })
  start(@Body() dto: StartUnblockDto, @CurrentActor() actor: Actor): Promise<PinUnblockView> {
    return this.commands.execute(new StartPinUnblockCommand(dto.card, dto.workstation, dto.identityCheck, actor));
  }
}
