import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CryptogramsView } from '@scm/personalisation';
import { WitnessDto } from '../../personalisation/management-key/compute-cryptograms/compute-cryptograms.dto';
import { callingWorker } from '../../personalisation/worker-principal';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { CardUpdateCryptogramsCommand } from './card-update-cryptograms.command';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/card-updates')
export class CardUpdateCryptogramsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/cryptograms')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: "Mutual authentication with the card's diversified management key for a running update (HSM cryptograms)" })
  cryptograms(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: WitnessDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<CryptogramsView> {
    return this.commands.execute(
      new CardUpdateCryptogramsCommand(id, callingWorker(p).id, Buffer.from(dto.encryptedWitness, 'base64'), actor),
    );
  }
}
