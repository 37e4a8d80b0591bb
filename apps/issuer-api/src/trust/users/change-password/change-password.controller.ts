import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowedBeforePasswordChange, Authenticated } from '../../auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../auth/principal';
import { ChangePasswordCommand } from './change-password.command';
import { ChangePasswordDto } from './change-password.dto';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class ChangePasswordController {
  constructor(private readonly commands: CommandBus) {}

  @Post('me/password')
  @Authenticated()
  @AllowedBeforePasswordChange()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your own password' })
  async changePassword(@Body() dto: ChangePasswordDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<void> {
    await this.commands.execute(new ChangePasswordCommand(p.id, dto.currentPassword, dto.newPassword, actor, p.sessionId));
  }
}
