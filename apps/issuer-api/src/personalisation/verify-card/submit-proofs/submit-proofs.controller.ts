import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { callingWorker } from '../../worker-principal';
import { type ProvedCard, SubmitProofsCommand } from './submit-proofs.command';
import { ProofsDto } from './submit-proofs.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class SubmitProofsController {
  constructor(private readonly commands: CommandBus) {}

  @Post('personalisation/:id/verification/proofs')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: "The card's signatures (and decryption): checked against the certificates; the card is issued" })
  prove(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ProofsDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<ProvedCard> {
    return this.commands.execute(
      new SubmitProofsCommand(id, callingWorker(p).id, { signatures: dto.signatures, keyManagement: dto.keyManagement }, actor),
    );
  }
}
