import { Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { type KeyRotationRequested, RotateKeyCommand } from './rotate-key.command';

@ApiTags('archive')
@ApiBearerAuth()
@Controller('api/v1/archive')
export class RotateKeyController {
  constructor(private readonly commands: CommandBus) {}

  @Post('key-rotations')
  @Roles('security-officer')
  @Fresh()
  @ApiOperation({ summary: 'Ask for a new archive key version; two other officers approve it (dual control) before it is created' })
  rotateKey(@CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<KeyRotationRequested> {
    return this.commands.execute(new RotateKeyCommand(p.id, actor));
  }
}
