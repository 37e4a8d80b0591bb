import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsBoolean,
  IsInt,
  IsOptional,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

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

class PukReportDto {
  @IsBoolean()
  changed!: boolean;
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(255)
  retriesLeft?: number;
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(255)
  retriesTotal?: number;
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

  @ApiPropertyOptional({ description: 'rotate-puk: CHANGE REFERENCE DATA of the PUK succeeded, and what GET METADATA 81 then reports' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PukReportDto)
  puk?: PukReportDto;
}
