import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { callingWorker } from '../../worker-principal';
import { ConfirmManagementKeyCommand } from './confirm-management-key.command';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class ConfirmManagementKeyController {
  constructor(private readonly commands: CommandBus) {}

  @Post('personalisation/:id/management-key/confirm')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The card answered the HSM cryptograms of its new key: record that it holds it' })
  confirmKey(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<{ managementKey: 'diversified' }> {
    return this.commands.execute(new ConfirmManagementKeyCommand(id, callingWorker(p).id, actor));
  }
}
