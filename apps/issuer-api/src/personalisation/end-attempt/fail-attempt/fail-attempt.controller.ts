import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { callingWorker } from '../../worker-principal';
import { ReasonDto } from '../end-attempt.dto';
import { FailAttemptCommand } from './fail-attempt.command';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class FailAttemptController {
  constructor(private readonly commands: CommandBus) {}

  @Post('personalisation/:id/failed')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The card cannot carry the profile: the request fails with the reason, the card is spoiled' })
  failed(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReasonDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<{ state: string }> {
    return this.commands.execute(new FailAttemptCommand(id, callingWorker(p).id, dto.reason, actor));
  }
}
