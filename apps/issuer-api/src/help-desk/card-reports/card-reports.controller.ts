import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { type CardReportView, REPORT_REASONS, type ReportReason } from './card-report';
import { CardReportsService } from './card-reports.service';

/** A card named by its id (UUID) or its serial. */
export const CARD_REF = /^[0-9A-Za-z_-]{1,64}$/;

export class ReportCardDto {
  @ApiProperty({ description: "the card's id or serial" }) @Matches(CARD_REF) card!: string;
  @ApiProperty({ enum: REPORT_REASONS }) @IsIn(REPORT_REASONS as unknown as string[]) reason!: ReportReason;
  @ApiPropertyOptional({ description: 'what the cardholder said (audited; no secrets)' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  comment?: string;
}

export class CardFoundDto {
  @ApiProperty({ description: "the card's id or serial" }) @Matches(CARD_REF) card!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 500) comment?: string;
}

export class ListReportsDto {
  @ApiPropertyOptional() @IsOptional() @Matches(CARD_REF) card?: string;
  @ApiPropertyOptional({ enum: ['open', 'found', 'closed'] }) @IsOptional() @IsIn(['open', 'found', 'closed']) state?: string;
}

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/card-reports')
export class CardReportsController {
  constructor(private readonly reports: CardReportsService) {}

  @Post()
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @ApiOperation({
    summary:
      'Report a card lost, stolen (certificates revoked, keyCompromise), damaged (superseded) or left at home (suspended, certificateHold); a new CRL follows',
  })
  report(@Body() dto: ReportCardDto, @CurrentActor() actor: Actor): Promise<CardReportView> {
    return this.reports.report({ card: dto.card, reason: dto.reason, comment: dto.comment }, actor);
  }

  @Post('found')
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @HttpCode(200)
  @ApiOperation({ summary: 'The reported card is back: a hold is lifted (removeFromCRL), temporary cards standing in for it are revoked' })
  found(@Body() dto: CardFoundDto, @CurrentActor() actor: Actor): Promise<CardReportView> {
    return this.reports.found({ card: dto.card, comment: dto.comment }, actor);
  }

  @Get()
  @Roles('help-desk', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'Card reports (newest first)' })
  list(@Query() q: ListReportsDto, @CurrentActor() actor: Actor): Promise<CardReportView[]> {
    return this.reports.list(q, actor);
  }
}
