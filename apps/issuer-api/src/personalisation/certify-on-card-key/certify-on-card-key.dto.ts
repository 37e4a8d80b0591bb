import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBase64, IsOptional, Length, Matches, ValidateNested } from 'class-validator';

export class AttestationDto {
  @ApiProperty({ description: "the slot key's attestation certificate (Yubico ATTEST, INS F9), DER, base64" })
  @IsBase64()
  @Length(100, 8000)
  certificate!: string;
  @ApiProperty({ description: "the card's attestation (F9) certificate, object 5FFF01, DER, base64" })
  @IsBase64()
  @Length(100, 8000)
  intermediate!: string;
}

export class PublicKeyDto {
  @ApiProperty({ description: 'the SubjectPublicKeyInfo the card generated, DER, base64' })
  @IsBase64()
  @Length(40, 2000)
  publicKey!: string;
  @ApiPropertyOptional({ type: AttestationDto, description: "needed when the card's stock attests its keys" })
  @IsOptional()
  @ValidateNested()
  @Type(() => AttestationDto)
  attestation?: AttestationDto;
}

export class SlotPublicKeyDto extends PublicKeyDto {
  @ApiProperty({ description: 'the on-card slot (9a, 9c, 9d, 9e)' })
  @Matches(/^(9a|9c|9d|9e)$/i)
  slot!: string;
}

export class PublicKeysDto {
  @ApiProperty({ type: [SlotPublicKeyDto], description: 'every key the card generated, one per on-card slot' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @ValidateNested({ each: true })
  @Type(() => SlotPublicKeyDto)
  keys!: SlotPublicKeyDto[];
}
