import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import type { ApprovalTicket } from '../../shared/approval-ticket';
import { userOf } from '../../shared/principals';
import { RequestTemporaryCardCommand } from './request-temporary-card.command';
import { RequestTemporaryCardDto } from './request-temporary-card.dto';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/temporary-cards')
export class RequestTemporaryCardController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @ApiOperation({ summary: 'Ask for a temporary card from a reported card’s escrow; officers approve it (m-of-n, never the requester)' })
  request(@Body() dto: RequestTemporaryCardDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<ApprovalTicket> {
    return this.commands.execute(new RequestTemporaryCardCommand(dto.card, dto.hostWorkerId, dto.days, dto.from, userOf(p), actor));
  }
}
