import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { callingWorker } from '../../personalisation/worker-principal';
import { type CardProofChallenge, ProveCardCommand } from './prove-card.command';
import { ProveCardDto } from './prove-card.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class ProveCardController {
  constructor(private readonly commands: CommandBus) {}

  @Post('stock/proofs')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: "A blank card's proof of its stock transport key: the HSM answers the card's witness" })
  prove(@Body() dto: ProveCardDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<CardProofChallenge> {
    return this.commands.execute(
      new ProveCardCommand(
        dto.requestId,
        callingWorker(p).id,
        dto.serial,
        dto.algorithm,
        Buffer.from(dto.encryptedWitness, 'base64'),
        actor,
      ),
    );
  }
}
