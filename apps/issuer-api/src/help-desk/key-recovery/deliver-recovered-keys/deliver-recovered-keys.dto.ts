import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class Pkcs12Dto {
  @ApiProperty({ description: 'the password protecting the PKCS#12 (12–128 printable ASCII characters); never stored' })
  @IsString()
  @Length(12, 128)
  password!: string;
}
