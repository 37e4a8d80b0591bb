import { ApiPropertyOptional } from '@nestjs/swagger';
import { TEMPORARY_CARD_STATES, type TemporaryCardState } from '@scm/db';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { CARD_REF } from '../../shared/card-ref';

export class ListTemporaryCardsDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() cardholder?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(CARD_REF) card?: string;
  @ApiPropertyOptional({ enum: TEMPORARY_CARD_STATES })
  @IsOptional()
  @IsIn(TEMPORARY_CARD_STATES as unknown as string[])
  state?: TemporaryCardState;
}
