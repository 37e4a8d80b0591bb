import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/access.decorator';
import { type Actor, CurrentActor } from '../../auth/principal';
import { IssueChallengeCommand } from './issue-challenge.command';
import { ChallengeDto } from './issue-challenge.dto';

@ApiTags('workers')
@Controller('api/v1/workers')
export class IssueChallengeController {
  constructor(private readonly commands: CommandBus) {}

  @Post('challenge')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'A nonce for the worker to sign (valid 60 s, once)' })
  challenge(@Body() dto: ChallengeDto, @CurrentActor() actor: Actor): Promise<{ nonce: string }> {
    return this.commands.execute(new IssueChallengeCommand(dto.workerId, actor));
  }
}
