import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CARD_STATES, type CardState } from '../card-lifecycle';

export class ListCardsDto {
  @ApiPropertyOptional({ description: 'part of the serial, or of the cardholder name, e-mail or UPN' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: CARD_STATES }) @IsOptional() @IsIn(CARD_STATES as unknown as string[]) state?: CardState;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}
