import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CARD_REF } from '../../shared/card-ref';
import { REPORT_REASONS, type ReportReason } from '../card-report';

export class ReportCardDto {
  @ApiProperty({ description: "the card's id or serial" }) @Matches(CARD_REF) card!: string;
  @ApiProperty({ enum: REPORT_REASONS }) @IsIn(REPORT_REASONS as unknown as string[]) reason!: ReportReason;
  @ApiPropertyOptional({ description: 'what the cardholder said (audited; no secrets)' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  comment?: string;
}
