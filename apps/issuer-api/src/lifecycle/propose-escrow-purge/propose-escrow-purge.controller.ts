import { Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PendingApproval } from '../../issuance/cardholders/cardholder';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { ProposeEscrowPurgeCommand } from './propose-escrow-purge.command';

@ApiTags('cardholders')
@ApiBearerAuth()
@Controller('api/v1/cardholders')
export class ProposeEscrowPurgeController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/escrow-purge')
  @Roles('security-officer')
  @Fresh()
  @ApiOperation({
    summary:
      "Propose purging a terminated cardholder's escrowed keys once the retention period is over; a second officer approves (POST /api/v1/approvals/:id/approve)",
  })
  propose(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<PendingApproval> {
    return this.commands.execute(new ProposeEscrowPurgeCommand(id, actor));
  }
}
