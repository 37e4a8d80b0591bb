import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { CARD_REF } from '../card-reports/card-reports.controller';
import type { ApprovalTicket } from '../shared/approval-ticket';
import { ESCROW_FROM, type EscrowFrom } from '../shared/escrow-source';
import { type ReissueView, ReissueService } from './reissue.service';

export class RequestReissueDto {
  @ApiProperty({ description: "the reported card's id or serial" }) @Matches(CARD_REF) card!: string;
  @ApiPropertyOptional({ enum: ESCROW_FROM }) @IsOptional() @IsIn(ESCROW_FROM as unknown as string[]) from?: EscrowFrom;
}

export class ListReissuesDto {
  @ApiPropertyOptional() @IsOptional() @Matches(CARD_REF) card?: string;
  @ApiPropertyOptional({ enum: ['awaiting-card', 'completed', 'failed'] })
  @IsOptional()
  @IsIn(['awaiting-card', 'completed', 'failed'])
  state?: string;
}

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/reissues')
export class ReissueController {
  constructor(private readonly reissues: ReissueService) {}

  @Post()
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @ApiOperation({
    summary: 'Ask for a reissue of a card reported lost, stolen or damaged; officers approve it (m-of-n, never the requester)',
  })
  request(@Body() dto: RequestReissueDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<ApprovalTicket> {
    if (p.kind !== 'user') throw new Error('a user route reached by a worker');
    return this.reissues.request({ card: dto.card, from: dto.from }, p, actor);
  }

  @Get()
  @Roles('help-desk', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'Reissues (newest first)' })
  list(@Query() q: ListReissuesDto, @CurrentActor() actor: Actor): Promise<ReissueView[]> {
    return this.reissues.list(q, actor);
  }

  @Get(':id')
  @Roles('help-desk', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'A reissue: the old card, the new request and card' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<ReissueView> {
    return this.reissues.get(id, actor);
  }
}
