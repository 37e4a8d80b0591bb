import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBase64, IsOptional, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { SERIAL } from '../worker-principal';

export class CardProofDto {
  @ApiProperty({ description: 'the id POST /api/v1/worker/stock/proofs answered' }) @IsUUID() proofId!: string;
  @ApiProperty({ description: "the card's answer to the HSM's challenge (GENERAL AUTHENTICATE 9B, tag 82), base64" })
  @IsBase64()
  @Length(8, 48)
  response!: string;
}

export class ClaimDto {
  @ApiProperty() @IsUUID() requestId!: string;
  @ApiProperty({ description: "the card's serial (Yubico GET SERIAL, decimal)" }) @Matches(SERIAL) serial!: string;
  @ApiProperty({ description: 'ATR, hex' }) @Matches(/^([0-9A-Fa-f]{2}){2,33}$/) atr!: string;
  @ApiPropertyOptional({ description: "the GUID of the card's CHUID, if it has one" }) @IsOptional() @IsUUID() guid?: string;
  @ApiPropertyOptional({ description: "a blank card's proof of its stock transport key (needed to bind it)", type: CardProofDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CardProofDto)
  proof?: CardProofDto;
}
