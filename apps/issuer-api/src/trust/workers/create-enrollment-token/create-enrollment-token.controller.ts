import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/access.decorator';
import { type Actor, CurrentActor } from '../../auth/principal';
import { CreateEnrollmentTokenCommand } from './create-enrollment-token.command';
import { EnrollmentTokenDto } from './create-enrollment-token.dto';

@ApiTags('workers')
@Controller('api/v1/workers')
export class CreateEnrollmentTokenController {
  constructor(private readonly commands: CommandBus) {}

  @Post('enrollment-tokens')
  @Roles('security-officer', 'admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A one-time enrolment token for a new worker (shown once)' })
  token(@Body() dto: EnrollmentTokenDto, @CurrentActor() actor: Actor): Promise<{ token: string; expiresAt: string }> {
    return this.commands.execute(new CreateEnrollmentTokenCommand(dto.workstation ?? null, actor, dto.ttlHours));
  }
}
