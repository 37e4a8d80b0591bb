import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../auth/principal';
import type { WorkerView } from '../worker-view';
import { RevokeWorkerCommand } from './revoke-worker.command';

@ApiTags('workers')
@Controller('api/v1/workers')
export class RevokeWorkerController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/revoke')
  @Roles('security-officer')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a worker: its sessions end and its channel closes' })
  revoke(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<WorkerView> {
    return this.commands.execute(new RevokeWorkerCommand(id, p.id, actor));
  }
}
