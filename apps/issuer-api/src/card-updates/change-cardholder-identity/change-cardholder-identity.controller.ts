import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PendingApproval } from '../../issuance/cardholders/cardholder';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { ChangeCardholderIdentityCommand } from './change-cardholder-identity.command';
import { ChangeCardholderIdentityDto } from './change-cardholder-identity.dto';

@ApiTags('cardholders')
@ApiBearerAuth()
@Controller('api/v1/cardholders')
export class ChangeCardholderIdentityController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/identity-changes')
  @Roles('security-officer')
  @Fresh()
  @ApiOperation({
    summary:
      "Change a cardholder's name, UPN or e-mail: a second officer approves (POST /api/v1/approvals/:id/approve); then every issued or active card of the cardholder gets a renewal",
  })
  change(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeCardholderIdentityDto,
    @CurrentActor() actor: Actor,
  ): Promise<{ cardholderId: string; approval: PendingApproval }> {
    return this.commands.execute(
      new ChangeCardholderIdentityCommand(
        id,
        {
          ...(dto.name !== undefined ? { name: dto.name } : {}),
          ...(dto.upn !== undefined ? { upn: dto.upn } : {}),
          ...(dto.email !== undefined ? { email: dto.email } : {}),
        },
        dto.reason,
        actor,
      ),
    );
  }
}
