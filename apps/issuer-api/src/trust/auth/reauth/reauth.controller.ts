import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../principal';
import { ReauthCommand } from './reauth.command';
import { ReauthDto } from './reauth.dto';

@ApiTags('auth')
@Controller('api/v1/auth')
export class ReauthController {
  constructor(private readonly commands: CommandBus) {}

  @Post('reauth')
  @Authenticated()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Confirm your password: sensitive actions (recovery, PIN unblock, revocation) need this within a few minutes' })
  reauth(@Body() dto: ReauthDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<{ reauthenticatedAt: string }> {
    if (p.kind !== 'user') throw new Error('unreachable: guarded by Authenticated');
    return this.commands.execute(new ReauthCommand(p, dto.password, actor));
  }
}
