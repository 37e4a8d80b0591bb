import { ApiProperty } from '@nestjs/swagger';
import { IsBase64, Length } from 'class-validator';

export class CertifyUpdateKeyDto {
  @ApiProperty({ description: 'the SubjectPublicKeyInfo of the key the card generated, DER, base64' })
  @IsBase64()
  @Length(40, 2000)
  publicKey!: string;
}
