import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { callingWorker } from '../../worker-principal';
import { type CardLeaseView, LeaseCardJobCommand } from './lease-card-job.command';
import { CardPresenceDto } from './lease-card-job.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class LeaseCardJobController {
  constructor(private readonly commands: CommandBus) {}

  @Post('personalisation/leases')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Report the card in a reader and lease a card job for it: the request bound to it, or the next one waiting for a blank card',
  })
  lease(@Body() dto: CardPresenceDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<CardLeaseView> {
    const w = callingWorker(p);
    const card = { reader: dto.reader, serial: dto.serial, atr: dto.atr.toUpperCase(), ...(dto.guid ? { guid: dto.guid } : {}) };
    return this.commands.execute(new LeaseCardJobCommand(w.id, w.workstation, card, actor));
  }
}
