import { IsDateString, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { ReportFilter } from '../report-definitions';

export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export class ReportQueryDto {
  @IsOptional() @IsDateString() from?: string;
  @IsOptional() @IsDateString() to?: string;
  @IsOptional() @IsString() @MaxLength(200) actor?: string;
  @IsOptional() @IsIn(REPORT_FORMATS) format?: ReportFormat;
}

/** The filter a validated query string asks for. */
export const reportFilterOf = (q: ReportQueryDto): ReportFilter => ({
  from: q.from ? new Date(q.from) : undefined,
  to: q.to ? new Date(q.to) : undefined,
  actor: q.actor,
});
