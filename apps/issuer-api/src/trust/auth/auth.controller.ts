import { Body, Controller, Get, Headers, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, Public } from './access.decorator';
import { LoginCommand, type LoginResult } from './login/login.command';
import { LoginDto } from './login/login.dto';
import { ReauthCommand } from './reauth/reauth.command';
import { IsString, Length } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { LogoutCommand } from './logout/logout.command';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from './principal';

export class ReauthDto {
  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 256)
  password!: string;
}

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly commands: CommandBus) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with username and password; returns a short-lived session token' })
  login(@Body() dto: LoginDto, @CurrentActor() actor: Actor, @Headers('user-agent') ua?: string): Promise<LoginResult> {
    return this.commands.execute(new LoginCommand(dto.username, dto.password, actor, ua ?? null));
  }

  @Post('logout')
  @Authenticated()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End this session' })
  async logout(@CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<void> {
    await this.commands.execute(new LogoutCommand(p, actor));
  }

  @Post('reauth')
  @Authenticated()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Confirm your password: sensitive actions (recovery, PIN unblock, revocation) need this within a few minutes' })
  reauth(@Body() dto: ReauthDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<{ reauthenticatedAt: string }> {
    if (p.kind !== 'user') throw new Error('unreachable: guarded by Authenticated');
    return this.commands.execute(new ReauthCommand(p, dto.password, actor));
  }

  @Get('me')
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who this session belongs to' })
  me(@CurrentPrincipal() p: Principal): Principal {
    return p;
  }
}
