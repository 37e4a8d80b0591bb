import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { callingWorker } from '../../worker-principal';
import { ReasonDto } from '../end-attempt.dto';
import { InterruptAttemptCommand } from './interrupt-attempt.command';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class InterruptAttemptController {
  constructor(private readonly commands: CommandBus) {}

  @Post('personalisation/:id/interrupted')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The card left the reader (or the reader failed) mid-way: the request waits for that card' })
  interrupted(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReasonDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<{ state: string; waitsFor: string | null }> {
    return this.commands.execute(new InterruptAttemptCommand(id, callingWorker(p).id, dto.reason, actor));
  }
}
