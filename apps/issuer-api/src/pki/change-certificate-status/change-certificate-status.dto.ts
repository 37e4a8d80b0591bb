import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { RevocationReason } from '@scm/ca';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

/** Reasons an officer may give (certificateHold is the hold route; removeFromCRL is the release route). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;

export class RevokeDto {
  @ApiProperty({ enum: REVOCATION_REASONS }) @IsIn(REVOCATION_REASONS as unknown as string[]) reason!: RevocationReason;
  @ApiPropertyOptional({ description: 'why, for the audit trail' }) @IsOptional() @IsString() @Length(0, 500) comment?: string;
}

export class CommentDto {
  @ApiPropertyOptional({ description: 'why, for the audit trail' }) @IsOptional() @IsString() @Length(0, 500) comment?: string;
}
