import { Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowedBeforePasswordChange, Authenticated } from '../access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../principal';
import { LogoutCommand } from './logout.command';

@ApiTags('auth')
@Controller('api/v1/auth')
export class LogoutController {
  constructor(private readonly commands: CommandBus) {}

  @Post('logout')
  @Authenticated()
  @AllowedBeforePasswordChange()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End this session' })
  async logout(@CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<void> {
    await this.commands.execute(new LogoutCommand(p, actor));
  }
}
