import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBase64, IsBoolean, IsOptional, IsString, IsUUID, Length, Matches, ValidateIf, ValidateNested } from 'class-validator';
import { SERIAL } from '../worker-principal';

export class CardProofDto {
  @ApiProperty({ description: 'the id POST /api/v1/worker/stock/proofs answered' }) @IsUUID() proofId!: string;
  @ApiProperty({ description: "the card's answer to the HSM's challenge (GENERAL AUTHENTICATE 9B, tag 82), base64" })
  @IsBase64()
  @Length(8, 48)
  response!: string;
}

export class CardProbeDto {
  @ApiProperty({
    description: "the card's answer to GET VERSION (INS FD), e.g. 5.4.3; null when it refused it",
    nullable: true,
    type: String,
  })
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @Matches(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/)
  version!: string | null;
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
  @ApiPropertyOptional({
    description: 'what the worker read of the card to know its capabilities (nothing is written to probe)',
    type: CardProbeDto,
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CardProbeDto)
  probe?: CardProbeDto;
  @ApiPropertyOptional({
    description:
      "answer with the request's personalisation package too (what GET …/issuance-requests/:id/personalisation answers): one round trip less per card",
  })
  @IsOptional()
  @IsBoolean()
  withPackage?: boolean;
}
