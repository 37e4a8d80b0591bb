import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { userOf } from '../../shared/principals';
import { DeliverRecoveredKeysCommand, type RecoveredKeys } from './deliver-recovered-keys.command';
import { Pkcs12Dto } from './deliver-recovered-keys.dto';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/key-recoveries')
export class DeliverRecoveredKeysController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/pkcs12')
  @Roles('security-officer')
  @Fresh()
  @HttpCode(200)
  @ApiOperation({ summary: 'The approved keys as a PKCS#12 under your password, once, for the officer who asked; never stored' })
  pkcs12(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: Pkcs12Dto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<RecoveredKeys> {
    return this.commands.execute(new DeliverRecoveredKeysCommand(id, dto.password, userOf(p), actor));
  }
}
