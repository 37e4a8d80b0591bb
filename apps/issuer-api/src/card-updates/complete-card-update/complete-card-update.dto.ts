import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBase64, Matches, MaxLength, ValidateNested } from 'class-validator';

class SlotSignatureDto {
  @Matches(/^[0-9a-f]{2}$/)
  slot!: string;
  @IsBase64()
  @MaxLength(2000)
  signature!: string;
}

class SlotKeyDto {
  @Matches(/^[0-9a-f]{2}$/)
  slot!: string;
  @IsBase64()
  @MaxLength(2000)
  publicKey!: string;
}

export class CompleteCardUpdateDto {
  @ApiProperty({ description: 'signatures over the proof messages (slots usable without a PIN)' })
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => SlotSignatureDto)
  signatures!: SlotSignatureDto[];

  @ApiProperty({ description: 'the public keys the card reports for the other slots (GET METADATA), SPKI DER base64' })
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => SlotKeyDto)
  keys!: SlotKeyDto[];
}
