import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/access.decorator';
import { type Actor, CurrentActor } from '../../auth/principal';
import type { WorkerView } from '../worker-view';
import { RegisterWorkerCommand } from './register-worker.command';
import { RegisterWorkerDto } from './register-worker.dto';

@ApiTags('workers')
@Controller('api/v1/workers')
export class RegisterWorkerController {
  constructor(private readonly commands: CommandBus) {}

  @Post('register')
  @Public()
  @ApiOperation({ summary: 'A card worker registers its keys with a one-time enrolment token; it then waits for approval' })
  register(@Body() dto: RegisterWorkerDto, @CurrentActor() actor: Actor): Promise<WorkerView & { packageKey?: string }> {
    const { enrollmentToken, name, host, workstation, signPublicKey, kexPublicKey } = dto;
    return this.commands.execute(
      new RegisterWorkerCommand({ enrollmentToken, name, host, workstation, signPublicKey, kexPublicKey }, actor),
    );
  }
}
