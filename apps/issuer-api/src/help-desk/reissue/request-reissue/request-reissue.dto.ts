import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CARD_REF } from '../../shared/card-ref';
import { ESCROW_FROM, type EscrowFrom } from '../../shared/escrow-source';

export class RequestReissueDto {
  @ApiProperty({ description: "the reported card's id or serial" }) @Matches(CARD_REF) card!: string;
  @ApiPropertyOptional({ enum: ESCROW_FROM }) @IsOptional() @IsIn(ESCROW_FROM as unknown as string[]) from?: EscrowFrom;
}
