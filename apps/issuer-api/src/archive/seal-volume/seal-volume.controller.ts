import { Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { SealVolumeCommand, type SealVolumeResult } from './seal-volume.command';

@ApiTags('archive')
@ApiBearerAuth()
@Controller('api/v1/archive')
export class SealVolumeController {
  constructor(private readonly commands: CommandBus) {}

  @Post('volumes')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Seal the next archive volume: every escrowed VSC version not yet archived, into a signed ISO 9660 image (nothing written when nothing is new)',
  })
  seal(@CurrentActor() actor: Actor): Promise<SealVolumeResult> {
    return this.commands.execute(new SealVolumeCommand(actor));
  }
}
