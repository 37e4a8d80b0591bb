import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { hostOf } from '../../shared/principals';
import { ComputeSealMacCommand } from './compute-seal-mac.command';
import { SealMacDto } from './compute-seal-mac.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/temporary-cards')
export class ComputeSealMacController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/seal-mac')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The seal MAC (KEK in the HSM) over a sealed version of this temporary card' })
  sealMac(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SealMacDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<{ mac: string }> {
    return this.commands.execute(new ComputeSealMacCommand(id, hostOf(p), Buffer.from(dto.data, 'base64'), actor));
  }
}
