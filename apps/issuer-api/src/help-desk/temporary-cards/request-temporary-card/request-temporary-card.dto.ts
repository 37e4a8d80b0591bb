import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { CARD_REF } from '../../shared/card-ref';
import { ESCROW_FROM, type EscrowFrom } from '../../shared/escrow-source';

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
