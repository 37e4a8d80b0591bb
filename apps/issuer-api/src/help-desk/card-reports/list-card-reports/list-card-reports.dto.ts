import { ApiPropertyOptional } from '@nestjs/swagger';
import { REPORT_STATES, type ReportState } from '@scm/db';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CARD_REF } from '../../shared/card-ref';

export class ListReportsDto {
  @ApiPropertyOptional() @IsOptional() @Matches(CARD_REF) card?: string;
  @ApiPropertyOptional({ enum: REPORT_STATES }) @IsOptional() @IsIn(REPORT_STATES as unknown as string[]) state?: ReportState;
}
