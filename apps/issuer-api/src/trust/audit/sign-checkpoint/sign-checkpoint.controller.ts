import { Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/access.decorator';
import { type CheckpointResult, SignCheckpointCommand } from './sign-checkpoint.command';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class SignCheckpointController {
  constructor(private readonly commands: CommandBus) {}

  @Post('checkpoints')
  @Roles('auditor', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign a checkpoint of the chain head now' })
  checkpoint(): Promise<CheckpointResult> {
    return this.commands.execute(new SignCheckpointCommand());
  }
}
