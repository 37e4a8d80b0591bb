import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { WrappedKeyMaterial } from '@scm/personalisation';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { callingWorker } from '../../worker-principal';
import { ReleaseManagementKeyCommand } from './release-management-key.command';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class ReleaseManagementKeyController {
  constructor(private readonly commands: CommandBus) {}

  @Post('personalisation/:id/management-key/release')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The diversified management key, wrapped for this worker, for SET MANAGEMENT KEY' })
  releaseKey(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<WrappedKeyMaterial> {
    return this.commands.execute(new ReleaseManagementKeyCommand(id, callingWorker(p).id, actor));
  }
}
