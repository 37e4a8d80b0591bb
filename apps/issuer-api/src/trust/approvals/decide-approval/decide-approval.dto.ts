import { IsOptional, Matches } from 'class-validator';

export class DecisionDto {
  /** The subject hash the approver was shown: required to approve, and it must still match. */
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/)
  subjectHash?: string;
}
