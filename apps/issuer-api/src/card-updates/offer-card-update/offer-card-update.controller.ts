import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CardUpdateOffer } from '@scm/personalisation';
import { callingWorker } from '../../personalisation/worker-principal';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { OfferCardUpdateCommand } from './offer-card-update.command';
import { OfferCardUpdateDto } from './offer-card-update.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/card-updates')
export class OfferCardUpdateController {
  constructor(private readonly commands: CommandBus) {}

  @Post('offers')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'An issued card is in a reader: its pending update starts (or resumes) on this worker' })
  offer(@Body() dto: OfferCardUpdateDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<CardUpdateOffer> {
    return this.commands.execute(new OfferCardUpdateCommand(callingWorker(p).id, dto.serial, dto.guid, actor));
  }
}
