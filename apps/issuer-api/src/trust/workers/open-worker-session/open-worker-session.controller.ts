import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/access.decorator';
import { type Actor, CurrentActor } from '../../auth/principal';
import { OpenWorkerSessionCommand, type WorkerSession } from './open-worker-session.command';
import { WorkerLoginDto } from './open-worker-session.dto';

@ApiTags('workers')
@Controller('api/v1/workers')
export class OpenWorkerSessionController {
  constructor(private readonly commands: CommandBus) {}

  @Post('session')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a signed challenge for a worker session (approved workers only)' })
  session(@Body() dto: WorkerLoginDto, @CurrentActor() actor: Actor): Promise<WorkerSession> {
    return this.commands.execute(new OpenWorkerSessionCommand(dto.workerId, dto.nonce, dto.signature, actor));
  }
}
