import { ApiProperty } from '@nestjs/swagger';
import { IsBase64, Length } from 'class-validator';

export class SealMacDto {
  @ApiProperty({ description: 'the content bytes before the seal (base64)' }) @IsBase64() @Length(4, 11_200_000) data!: string;
}
