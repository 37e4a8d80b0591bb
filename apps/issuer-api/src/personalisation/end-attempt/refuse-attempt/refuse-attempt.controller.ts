import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CardRefusalOutcome } from '@scm/personalisation';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { callingWorker } from '../../worker-principal';
import { RefuseAttemptCommand } from './refuse-attempt.command';
import { RefusalDto } from './refuse-attempt.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class RefuseAttemptController {
  constructor(private readonly commands: CommandBus) {}

  @Post('personalisation/:id/refused')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({
    summary: 'The card refused a step: the request waits for the card again, or (the same refusal again) ends failed-card',
  })
  refused(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RefusalDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<CardRefusalOutcome> {
    return this.commands.execute(
      new RefuseAttemptCommand(id, callingWorker(p).id, { step: dto.step, sw: dto.sw?.toUpperCase() ?? null, reason: dto.reason }, actor),
    );
  }
}
