import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../access.decorator';
import { type Actor, CurrentActor } from '../principal';
import { LoginCommand, type LoginResult } from './login.command';
import { LoginDto } from './login.dto';

@ApiTags('auth')
@Controller('api/v1/auth')
export class LoginController {
  constructor(private readonly commands: CommandBus) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with username and password; returns a short-lived session token' })
  login(@Body() dto: LoginDto, @CurrentActor() actor: Actor, @Headers('user-agent') ua?: string): Promise<LoginResult> {
    return this.commands.execute(new LoginCommand(dto.username, dto.password, actor, ua ?? null));
  }
}
