import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import { SERIAL } from '../worker-principal';
import { SpoilCardCommand, type SpoiledView } from './spoil-card.command';
import { SpoilDto } from './spoil-card.dto';

@ApiTags('personalisation')
@ApiBearerAuth()
@Controller('api/v1')
export class SpoilCardController {
  constructor(private readonly commands: CommandBus) {}

  @Post('cards/:serial/spoil')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({
    summary: "Declare a card spoiled (pulled out mid-personalisation and abandoned); its request's escrowed keys are regenerated",
  })
  spoil(@Param('serial') serial: string, @Body() dto: SpoilDto, @CurrentActor() actor: Actor): Promise<SpoiledView> {
    if (!SERIAL.test(serial))
      throw new PersonalisationError(PersonalisationErrorCode.Invalid, 'a card serial is 1 to 64 letters, digits, "-" or "_"');
    return this.commands.execute(new SpoilCardCommand(serial, dto.reason, actor));
  }
}
