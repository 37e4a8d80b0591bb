import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class DecisionDto {
  /** The subject hash the approver was shown: required to approve, and it must still match. */
  @ApiPropertyOptional({ description: 'the subject hash the approver was shown (required to approve)', pattern: '^[0-9a-fA-F]{64}$' })
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/)
  subjectHash?: string;
}
