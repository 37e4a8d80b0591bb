import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class EnrollmentTokenDto {
  @ApiPropertyOptional({ description: 'Bind the token to one workstation' }) @IsOptional() @IsInt() @Min(0) @Max(999) workstation?: number;
  @ApiPropertyOptional({ description: 'Validity in hours (default 24)' }) @IsOptional() @IsInt() @Min(1) @Max(24 * 30) ttlHours?: number;
}
