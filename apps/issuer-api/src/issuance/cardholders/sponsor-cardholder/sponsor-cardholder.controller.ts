import { Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import type { PendingApproval } from '../cardholder';
import { SponsorCardholderCommand } from './sponsor-cardholder.command';

@ApiTags('cardholders')
@ApiBearerAuth()
@Controller('api/v1/cardholders')
export class SponsorCardholderController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/sponsorship')
  @Roles('security-officer')
  @ApiOperation({ summary: 'Ask a second officer to sponsor one more card for this cardholder (the approver becomes its sponsor)' })
  sponsor(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<PendingApproval> {
    return this.commands.execute(new SponsorCardholderCommand(id, actor));
  }
}
