import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import type { ApprovalTicket } from '../../shared/approval-ticket';
import { userOf } from '../../shared/principals';
import { RequestReissueCommand } from './request-reissue.command';
import { RequestReissueDto } from './request-reissue.dto';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/reissues')
export class RequestReissueController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @ApiOperation({
    summary: 'Ask for a reissue of a card reported lost, stolen or damaged; officers approve it (m-of-n, never the requester)',
  })
  request(@Body() dto: RequestReissueDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<ApprovalTicket> {
    return this.commands.execute(new RequestReissueCommand(dto.card, dto.from, userOf(p), actor));
  }
}
