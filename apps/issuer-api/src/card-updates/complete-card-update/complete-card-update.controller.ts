import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { callingWorker } from '../../personalisation/worker-principal';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import type { CardUpdateView } from '../card-update-view';
import { CompleteCardUpdateCommand } from './complete-card-update.command';
import { CompleteCardUpdateDto } from './complete-card-update.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/card-updates')
export class CompleteCardUpdateController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/proofs')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: "The card's proofs of its new keys: the update ends (superseded certificates revoked)" })
  complete(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CompleteCardUpdateDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<CardUpdateView> {
    return this.commands.execute(new CompleteCardUpdateCommand(id, callingWorker(p).id, dto, actor));
  }
}
