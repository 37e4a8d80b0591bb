import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { callingWorker } from '../../personalisation/worker-principal';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import type { CardUpdateView } from '../card-update-view';
import { StopCardUpdateCommand } from './stop-card-update.command';
import { StopCardUpdateDto } from './stop-card-update.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/card-updates')
export class StopCardUpdateController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/stop')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'A running update stopped: interrupted (resumed at the next insertion) or refused by the card (failed)' })
  stop(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: StopCardUpdateDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<CardUpdateView> {
    return this.commands.execute(new StopCardUpdateCommand(id, callingWorker(p).id, dto.outcome, dto.reason, actor));
  }
}
