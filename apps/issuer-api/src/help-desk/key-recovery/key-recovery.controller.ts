import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { CARD_REF } from '../card-reports/card-reports.controller';
import type { ApprovalTicket } from '../shared/approval-ticket';
import { type KeyRecoveryView, KeyRecoveryService } from './key-recovery.service';

export class RequestKeyRecoveryDto {
  @ApiPropertyOptional({ description: "a card's id or serial (its cardholder's keys are recovered)" })
  @IsOptional()
  @Matches(CARD_REF)
  card?: string;
  @ApiPropertyOptional({ description: 'a cardholder id' }) @IsOptional() @IsUUID() cardholder?: string;
  @ApiProperty({ description: 'why (audited, shown to the approvers)' }) @IsString() @Length(1, 300) reason!: string;
}

export class Pkcs12Dto {
  @ApiProperty({ description: 'the password protecting the PKCS#12 (12–128 printable ASCII characters); never stored' })
  @IsString()
  @Length(12, 128)
  password!: string;
}

export class KeyRecoveryQuery {
  @ApiProperty({ description: 'the approval request that made it' }) @IsUUID() approval!: string;
}

const userOf = (p: Principal) => {
  if (p.kind !== 'user') throw new Error('a user route reached by a worker');
  return p;
};

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/key-recoveries')
export class KeyRecoveryController {
  constructor(private readonly recoveries: KeyRecoveryService) {}

  @Post()
  @Roles('security-officer')
  @Fresh()
  @ApiOperation({ summary: "Ask for a cardholder's escrowed decryption keys (data recovery); other officers approve it (m-of-n)" })
  request(@Body() dto: RequestKeyRecoveryDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<ApprovalTicket> {
    return this.recoveries.request({ card: dto.card, cardholder: dto.cardholder, reason: dto.reason }, userOf(p), actor);
  }

  @Get()
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'The key recovery an approval made' })
  byApproval(@Query() q: KeyRecoveryQuery, @CurrentActor() actor: Actor): Promise<KeyRecoveryView> {
    return this.recoveries.byApproval(q.approval, actor);
  }

  @Get(':id')
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'A key recovery: its state and, once delivered, which keys went out (never the keys)' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<KeyRecoveryView> {
    return this.recoveries.get(id, actor);
  }

  @Post(':id/pkcs12')
  @Roles('security-officer')
  @Fresh()
  @HttpCode(200)
  @ApiOperation({ summary: 'The approved keys as a PKCS#12 under your password, once, for the officer who asked; never stored' })
  pkcs12(@Param('id', ParseUUIDPipe) id: string, @Body() dto: Pkcs12Dto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor) {
    return this.recoveries.pkcs12(id, dto.password, userOf(p), actor);
  }
}
