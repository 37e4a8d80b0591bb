import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ReauthDto {
  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 256)
  password!: string;
}
