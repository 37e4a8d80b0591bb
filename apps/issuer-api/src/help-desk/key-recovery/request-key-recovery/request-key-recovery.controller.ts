import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import type { ApprovalTicket } from '../../shared/approval-ticket';
import { userOf } from '../../shared/principals';
import { RequestKeyRecoveryCommand } from './request-key-recovery.command';
import { RequestKeyRecoveryDto } from './request-key-recovery.dto';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/key-recoveries')
export class RequestKeyRecoveryController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('security-officer')
  @Fresh()
  @ApiOperation({ summary: "Ask for a cardholder's escrowed decryption keys (data recovery); other officers approve it (m-of-n)" })
  request(@Body() dto: RequestKeyRecoveryDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<ApprovalTicket> {
    return this.commands.execute(new RequestKeyRecoveryCommand(dto.card, dto.cardholder, dto.reason, userOf(p), actor));
  }
}
