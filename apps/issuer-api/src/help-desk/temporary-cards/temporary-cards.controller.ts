import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBase64, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { CARD_REF } from '../card-reports/card-reports.controller';
import type { ApprovalTicket } from '../shared/approval-ticket';
import { ESCROW_FROM, type EscrowFrom } from '../shared/escrow-source';
import { type TemporaryCardView, TemporaryCardsService } from './temporary-cards.service';

export class RequestTemporaryCardDto {
  @ApiProperty({ description: "the reported card's id or serial" }) @Matches(CARD_REF) card!: string;
  @ApiProperty({ description: 'the enrolled, approved card worker whose host serves it (help-desk workstation or managed PC)' })
  @IsUUID()
  hostWorkerId!: string;
  @ApiPropertyOptional({ description: 'lifetime in days (default SCM_TEMPORARY_CARD_DAYS)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  days?: number;
  @ApiPropertyOptional({ enum: ESCROW_FROM, description: 'read the escrow from PostgreSQL, the archive volume, or either' })
  @IsOptional()
  @IsIn(ESCROW_FROM as unknown as string[])
  from?: EscrowFrom;
}

export class ActivateTemporaryCardDto {
  @ApiProperty({ description: 'the 16-byte salt the host chose, base64' }) @IsBase64() @Length(24, 24) salt!: string;
  @ApiProperty({ description: 'Argon2id of the padded PIN with that salt and the VSC’s KDF parameters (32 bytes, base64): never the PIN' })
  @IsBase64()
  @Length(44, 44)
  kdfOutput!: string;
  @ApiProperty({ description: 'how the identity was checked (audited)' }) @IsString() @Length(1, 200) identityCheck!: string;
}

export class RevokeTemporaryCardDto {
  @ApiProperty() @IsString() @Length(1, 300) reason!: string;
}

export class ListTemporaryCardsDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() cardholder?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(CARD_REF) card?: string;
  @ApiPropertyOptional({ enum: ['issued', 'active', 'revoked', 'expired'] })
  @IsOptional()
  @IsIn(['issued', 'active', 'revoked', 'expired'])
  state?: string;
}

const userOf = (p: Principal) => {
  if (p.kind !== 'user') throw new Error('a user route reached by a worker');
  return p;
};

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/temporary-cards')
export class TemporaryCardsController {
  constructor(private readonly temporary: TemporaryCardsService) {}

  @Post()
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @ApiOperation({ summary: 'Ask for a temporary card from a reported card’s escrow; officers approve it (m-of-n, never the requester)' })
  request(@Body() dto: RequestTemporaryCardDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<ApprovalTicket> {
    return this.temporary.request({ card: dto.card, hostWorkerId: dto.hostWorkerId, days: dto.days, from: dto.from }, userOf(p), actor);
  }

  @Get()
  @Roles('help-desk', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'Temporary cards (newest first)' })
  list(@Query() q: ListTemporaryCardsDto, @CurrentActor() actor: Actor): Promise<TemporaryCardView[]> {
    return this.temporary.list(q, actor);
  }

  @Get(':id')
  @Roles('help-desk', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'A temporary card: state, host, expiry, PIN tries left, its certificates' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<TemporaryCardView> {
    return this.temporary.get(id, actor);
  }

  @Get(':id/activation')
  @Roles('help-desk', 'security-officer')
  @ApiOperation({ summary: 'What the activating terminal needs to stretch the PIN (KDF parameters, PIN rules)' })
  activation(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor) {
    return this.temporary.activationParameters(id, actor);
  }

  @Post(':id/activate')
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @HttpCode(200)
  @ApiOperation({ summary: 'After an identity check, the PIN the cardholder chose (as its Argon2id output) becomes the temporary card’s' })
  activate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ActivateTemporaryCardDto,
    @CurrentActor() actor: Actor,
  ): Promise<TemporaryCardView> {
    return this.temporary.activate(
      id,
      { salt: Buffer.from(dto.salt, 'base64'), kdfOutput: Buffer.from(dto.kdfOutput, 'base64'), identityCheck: dto.identityCheck },
      actor,
    );
  }

  @Post(':id/revoke')
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a temporary card: its certificates (cessationOfOperation), its host stops serving it' })
  revoke(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RevokeTemporaryCardDto,
    @CurrentActor() actor: Actor,
  ): Promise<TemporaryCardView> {
    return this.temporary.revoke(id, dto.reason, actor);
  }
}
