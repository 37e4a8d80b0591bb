import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../auth/principal';
import { RequestRoleCommand } from './request-role.command';
import { RoleDto } from './request-role.dto';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class RequestRoleController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/roles')
  @Roles('admin')
  @ApiOperation({ summary: 'Request a role for a user; takes effect when a second admin approves' })
  requestRole(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RoleDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<{ userRoleId: string; approvalId: string }> {
    return this.commands.execute(new RequestRoleCommand(id, dto.role, p.id, actor));
  }
}
