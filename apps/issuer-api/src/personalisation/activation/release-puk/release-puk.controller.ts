import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { WrappedKeyMaterial } from '@scm/personalisation';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { callingWorker } from '../../worker-principal';
import { ReleasePukCommand } from './release-puk.command';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class ReleasePukController {
  constructor(private readonly commands: CommandBus) {}

  @Post('activations/:id/puk')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: "The card's PUK wrapped for this worker (open session at its workstation only)" })
  puk(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<WrappedKeyMaterial> {
    return this.commands.execute(new ReleasePukCommand(id, callingWorker(p), actor));
  }
}
