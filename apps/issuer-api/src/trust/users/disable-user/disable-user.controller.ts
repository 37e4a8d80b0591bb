import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/access.decorator';
import { type Actor, CurrentActor } from '../../auth/principal';
import { DisableUserCommand } from './disable-user.command';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class DisableUserController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/disable')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Disable an account and end its sessions' })
  async disable(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.commands.execute(new DisableUserCommand(id, actor));
  }
}
