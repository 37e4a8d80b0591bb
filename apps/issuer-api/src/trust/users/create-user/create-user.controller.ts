import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/access.decorator';
import { type Actor, CurrentActor } from '../../auth/principal';
import type { UserView } from '../user-view';
import { CreateUserCommand } from './create-user.command';
import { CreateUserDto } from './create-user.dto';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class CreateUserController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create an account (no roles until a grant is approved)' })
  create(@Body() dto: CreateUserDto, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.commands.execute(new CreateUserCommand(dto.username, dto.displayName, dto.password, actor));
  }
}
