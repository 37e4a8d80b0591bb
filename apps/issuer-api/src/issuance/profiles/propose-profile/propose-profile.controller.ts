import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import type { PendingApproval } from '../../cardholders/cardholder';
import { ProposeProfileCommand } from './propose-profile.command';
import { ProposeProfileDto } from './propose-profile.dto';

@ApiTags('profiles')
@ApiBearerAuth()
@Controller('api/v1/profiles')
export class ProposeProfileController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/proposals')
  @Roles('security-officer')
  @Fresh()
  @ApiOperation({
    summary:
      'Propose a new card profile, or its next version; a second officer approves (POST /api/v1/approvals/:id/approve). Requests made before keep their version',
  })
  propose(
    @Param('id') id: string,
    @Body() dto: ProposeProfileDto,
    @CurrentActor() actor: Actor,
  ): Promise<PendingApproval & { profileId: string; version: number }> {
    return this.commands.execute(new ProposeProfileCommand(id, dto.description, dto.definition, dto.basedOn, actor));
  }
}
