import { Controller, Delete, HttpCode, Param, ParseUUIDPipe } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ROLES, type Role } from '@scm/db';
import { ApiError, ApiErrorCode } from '../../../platform/http/api-errors';
import { Roles } from '../../auth/access.decorator';
import { type Actor, CurrentActor } from '../../auth/principal';
import { RevokeRoleCommand } from './revoke-role.command';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class RevokeRoleController {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':id/roles/:role')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a role (or withdraw a pending grant)' })
  async revokeRole(@Param('id', ParseUUIDPipe) id: string, @Param('role') role: string, @CurrentActor() actor: Actor): Promise<void> {
    if (!(ROLES as readonly string[]).includes(role))
      throw new ApiError(ApiErrorCode.Invalid, `no role "${role}"; roles: ${ROLES.join(', ')}`);
    await this.commands.execute(new RevokeRoleCommand(id, role as Role, actor));
  }
}
