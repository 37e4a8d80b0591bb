import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/access.decorator';
import { type Actor, CurrentActor } from '../../auth/principal';
import { EnableUserCommand } from './enable-user.command';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class EnableUserController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/enable')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Enable a disabled account' })
  async enable(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.commands.execute(new EnableUserCommand(id, actor));
  }
}
