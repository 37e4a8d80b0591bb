import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { callingWorker } from '../../worker-principal';
import { ComputeCryptogramsCommand, type CryptogramsView } from './compute-cryptograms.command';
import { WitnessDto } from './compute-cryptograms.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class ComputeCryptogramsController {
  constructor(private readonly commands: CommandBus) {}

  @Post('personalisation/:id/management-key/cryptograms')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: "Mutual authentication with the card's diversified management key: the HSM computes the cryptograms" })
  cryptograms(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: WitnessDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<CryptogramsView> {
    return this.commands.execute(
      new ComputeCryptogramsCommand(id, callingWorker(p).id, Buffer.from(dto.encryptedWitness, 'base64'), actor, dto.key ?? 'diversified'),
    );
  }
}
