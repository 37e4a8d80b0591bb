import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { hostOf } from '../../shared/principals';
import { type HostedTemporaryCard, ServeTemporaryCardCommand } from './serve-temporary-card.command';

/**
 * The temporary card for its enrolled host (scm temporary-card serve). The host's remote key
 * protector calls the routes beside this one, as the worker the card is bound to; the recovery
 * path is never offered to it.
 */
@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/temporary-cards')
export class ServeTemporaryCardController {
  constructor(private readonly commands: CommandBus) {}

  @Get(':id')
  @WorkerOnly()
  @ApiOperation({ summary: 'The sealed content and state of an active temporary card, for its host' })
  hosted(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<HostedTemporaryCard> {
    return this.commands.execute(new ServeTemporaryCardCommand(id, hostOf(p), actor));
  }
}
