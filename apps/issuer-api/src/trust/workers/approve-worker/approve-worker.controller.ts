import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../auth/principal';
import type { WorkerView } from '../worker-view';
import { ApproveWorkerCommand } from './approve-worker.command';
import { ApproveWorkerDto } from './approve-worker.dto';

@ApiTags('workers')
@Controller('api/v1/workers')
export class ApproveWorkerController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/approve')
  @Roles('security-officer')
  @Fresh()
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a worker after comparing its fingerprint with the one its console shows' })
  approve(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ApproveWorkerDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<WorkerView> {
    return this.commands.execute(new ApproveWorkerCommand(id, dto.fingerprint, p.id, actor));
  }
}
