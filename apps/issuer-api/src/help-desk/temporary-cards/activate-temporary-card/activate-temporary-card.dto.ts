import { ApiProperty } from '@nestjs/swagger';
import { IsBase64, IsString, Length } from 'class-validator';

export class ActivateTemporaryCardDto {
  @ApiProperty({ description: 'the 16-byte salt the host chose, base64' }) @IsBase64() @Length(24, 24) salt!: string;
  @ApiProperty({ description: 'Argon2id of the padded PIN with that salt and the VSC’s KDF parameters (32 bytes, base64): never the PIN' })
  @IsBase64()
  @Length(44, 44)
  kdfOutput!: string;
  @ApiProperty({ description: 'how the identity was checked (audited)' }) @IsString() @Length(1, 200) identityCheck!: string;
}
