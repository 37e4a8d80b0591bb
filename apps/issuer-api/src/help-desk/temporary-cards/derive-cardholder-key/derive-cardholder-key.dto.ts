import { ApiProperty } from '@nestjs/swagger';
import { IsBase64, Length } from 'class-validator';

export class CardholderKeyDto {
  @ApiProperty({ description: 'slot type 02 ‖ VSC id (17 bytes, base64)' }) @IsBase64() @Length(24, 24) context!: string;
  @ApiProperty({ description: 'Argon2id output computed on the host (32 bytes, base64)' }) @IsBase64() @Length(44, 44) kdfOutput!: string;
}
