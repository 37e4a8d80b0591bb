import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { CARD_REF } from '../../shared/card-ref';

export class CardFoundDto {
  @ApiProperty({ description: "the card's id or serial" }) @Matches(CARD_REF) card!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 500) comment?: string;
}
