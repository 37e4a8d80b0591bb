import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { hostOf } from '../../shared/principals';
import { type CardholderKey, DeriveCardholderKeyCommand } from './derive-cardholder-key.command';
import { CardholderKeyDto } from './derive-cardholder-key.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/temporary-cards')
export class DeriveCardholderKeyController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/cardholder-key')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The cardholder path’s HSM half for one VERIFY; wrong PINs are counted here' })
  cardholderKey(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CardholderKeyDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<CardholderKey> {
    return this.commands.execute(
      new DeriveCardholderKeyCommand(id, hostOf(p), Buffer.from(dto.context, 'base64'), Buffer.from(dto.kdfOutput, 'base64'), actor),
    );
  }
}
