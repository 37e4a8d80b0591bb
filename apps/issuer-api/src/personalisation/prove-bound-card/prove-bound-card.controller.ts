import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CardProofChallenge } from '@scm/personalisation';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { ProveBoundCardDto } from './prove-bound-card.dto';
import { callingWorker } from '../worker-principal';
import { ProveBoundCardCommand } from './prove-bound-card.command';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/personalisation')
export class ProveBoundCardController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/card-proofs')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: "The bound card's proof of its diversified management key: the HSM answers the card's witness" })
  prove(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ProveBoundCardDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<CardProofChallenge> {
    return this.commands.execute(
      new ProveBoundCardCommand(id, callingWorker(p).id, dto.serial, dto.algorithm, Buffer.from(dto.encryptedWitness, 'base64'), actor),
    );
  }
}
