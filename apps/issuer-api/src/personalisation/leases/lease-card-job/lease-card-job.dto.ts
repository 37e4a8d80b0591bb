import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { SERIAL } from '../../worker-principal';

export class CardPresenceDto {
  @ApiProperty({ description: 'the PC/SC name of the reader holding the card' }) @IsString() @Length(1, 200) reader!: string;
  @ApiProperty({ description: "the card's serial (Yubico GET SERIAL, decimal)" }) @Matches(SERIAL) serial!: string;
  @ApiProperty({ description: 'ATR, hex' }) @Matches(/^([0-9A-Fa-f]{2}){2,33}$/) atr!: string;
  @ApiPropertyOptional({ description: "the GUID of the card's CHUID, if it has one" }) @IsOptional() @IsUUID() guid?: string;
}
